package dev.turnstile.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A set of CPUs as Linux writes it ({@code 0-3,6}, as in {@code Cpus_allowed_list} and {@code taskset -c}).
 *
 * @param cpus the CPU numbers, ascending, no repeats
 */
record CpuSet(List<Integer> cpus) {

    CpuSet {
        cpus = List.copyOf(new TreeSet<>(cpus));
    }

    /** Reads {@code 0-3,6}; throws with the offending part when it is not a CPU list. */
    static CpuSet parse(String list) {
        var cpus = new ArrayList<Integer>();
        for (var part : list.trim().split(",")) {
            var range = part.trim();
            try {
                int dash = range.indexOf('-');
                if (dash < 0) {
                    cpus.add(Integer.parseInt(range));
                } else {
                    int from = Integer.parseInt(range.substring(0, dash));
                    int to = Integer.parseInt(range.substring(dash + 1));
                    if (to < from) {
                        throw new NumberFormatException();
                    }
                    for (int cpu = from; cpu <= to; cpu++) {
                        cpus.add(cpu);
                    }
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "'" + list + "' is not a CPU list: write CPUs as in taskset -c, e.g. 0, 1-3 or 0,2; '" + range
                                + "' is not a CPU or range");
            }
        }
        if (cpus.isEmpty() || cpus.stream().anyMatch(cpu -> cpu < 0)) {
            throw new IllegalArgumentException(
                    "'" + list + "' is not a CPU list: write CPUs as in taskset -c, e.g. 0 or 1-3");
        }
        return new CpuSet(cpus);
    }

    int size() {
        return cpus.size();
    }

    /** The first {@code n} CPUs. */
    CpuSet first(int n) {
        return new CpuSet(cpus.subList(0, n));
    }

    /** All but the first {@code n} CPUs. */
    CpuSet after(int n) {
        return new CpuSet(cpus.subList(n, cpus.size()));
    }

    boolean containsAll(CpuSet other) {
        return cpus.containsAll(other.cpus);
    }

    boolean overlaps(CpuSet other) {
        return other.cpus.stream().anyMatch(cpus::contains);
    }

    /** {@code 0-3,6}: consecutive CPUs as ranges. */
    @Override
    public String toString() {
        var out = new StringBuilder();
        for (int i = 0; i < cpus.size(); ) {
            int j = i;
            while (j + 1 < cpus.size() && cpus.get(j + 1) == cpus.get(j) + 1) {
                j++;
            }
            if (!out.isEmpty()) {
                out.append(',');
            }
            out.append(cpus.get(i));
            if (j > i) {
                out.append('-').append(cpus.get(j));
            }
            i = j + 1;
        }
        return out.toString();
    }

    /** "CPU 1" or "CPUs 2-3", for sentences. */
    String describe() {
        return (size() == 1 ? "CPU " : "CPUs ") + this;
    }
}
