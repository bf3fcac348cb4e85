"""How busy the machine's CPUs are, from /proc/stat (shared by the benchmarks)."""


def cpu_sample():
    """(idle, total) jiffies of all CPUs, from /proc/stat."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    return values[3] + values[4], sum(values)


def busy_between(first, second):
    """Share of all CPUs busy between two `cpu_sample()`s."""
    return 1 - (second[0] - first[0]) / max(1, second[1] - first[1])
