@echo off
rem claimctl: asks the Turnstile coordinator whether this CI agent may run a task (claimctl --help).
rem
rem Runs lib\claimctl.jar on the first Java 21+ runtime of: %CLAIMCTL_JAVA% (which must be 21+); runtime\ beside bin\
rem (a jlink image, when one was added); %JAVA_HOME%; %JAVA_HOME_25_X64%, %JAVA_HOME_21_X64% and their _ARM64
rem twins (GitHub's hosted runners); java on the PATH.
setlocal EnableExtensions EnableDelayedExpansion

set "home=%~dp0.."
set "jar=%home%\lib\claimctl.jar"
set "java="
set "seen="

if defined CLAIMCTL_JAVA (
  call :try "%CLAIMCTL_JAVA%" CLAIMCTL_JAVA
  if not defined java (
    echo claimctl: CLAIMCTL_JAVA does not name a Java 21 or newer:!seen! 1>&2
    echo claimctl: point it at the java.exe of a Java 21+ runtime, or unset it to let claimctl search. 1>&2
    exit /b 1
  )
)
if not defined java if exist "%home%\runtime\bin\java.exe" call :try "%home%\runtime\bin\java.exe" "runtime\ beside bin\"
if not defined java if defined JAVA_HOME call :try "%JAVA_HOME%\bin\java.exe" JAVA_HOME
for %%v in (JAVA_HOME_25_X64 JAVA_HOME_25_ARM64 JAVA_HOME_21_X64 JAVA_HOME_21_ARM64) do (
  if not defined java if defined %%v call :try "!%%v!\bin\java.exe" %%v
)
if not defined java (
  for /f "delims=" %%j in ('where java 2^>nul') do (
    if not defined java call :try "%%j" "java on the PATH"
  )
)
if not defined java (
  echo claimctl: no Java 21 or newer found. Looked at:!seen! 1>&2
  echo claimctl: install one ^(e.g. winget install EclipseAdoptium.Temurin.21.JRE, or actions/setup-java with java-version 21^), or set CLAIMCTL_JAVA to its java.exe. 1>&2
  exit /b 1
)

rem claimctl runs for a second or two: the C1 compiler alone and the serial collector start fastest.
"%java%" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC %CLAIMCTL_JAVA_OPTS% -jar "%jar%" %*
exit /b %ERRORLEVEL%

rem Sets java to %1 when it is Java 21 or newer; notes what was seen otherwise.
:try
if not exist "%~1" (
  set "seen=!seen! %~2: %~1 (not found);"
  exit /b 0
)
set "version=0"
for /f "usebackq tokens=2 delims==" %%v in (`"%~1" -XshowSettings:properties -version 2^>^&1 ^| findstr /c:"java.specification.version"`) do set "version=%%v"
set "version=%version: =%"
set "major=0"
for /f "tokens=1,2 delims=." %%a in ("%version%") do (
  if "%%a"=="1" (set "major=%%b") else (set "major=%%a")
)
if %major% GEQ 21 (
  set "java=%~1"
  exit /b 0
)
set "seen=!seen! %~2: %~1 (Java %major%);"
exit /b 0
