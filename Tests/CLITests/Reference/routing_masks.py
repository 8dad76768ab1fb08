"""DTR routing masks from dtr-spec.md §2.1 (DTR's `create_mask_tasks`), and checks on stored tables."""
import numpy as np


def dtr_mask(task_count, unit_count, beta, alpha):
    """The [T, C] 0/1 DTR table: row t is a window of n = int(C·β) ones starting at
    round((t/(T−1))^α · (C − n)), rounding half to even."""
    n = int(unit_count * beta)
    last = unit_count - n
    index = ((np.linspace(0, 1, task_count) ** alpha) * last).round().astype(np.int64)
    mask = np.zeros((task_count, unit_count))
    for task in range(task_count):
        mask[task, index[task]:index[task] + n] = 1
    return mask


def check_random_mask(table, beta, name):
    """R-TR tables (dtr-spec.md §2.3): 0/1 with exactly int(C·β) ones in every row."""
    units = table.shape[1]
    if not np.isin(table, (0.0, 1.0)).all():
        raise AssertionError(f"{name}: random routing table holds values other than 0 and 1")
    counts = table.sum(axis=1)
    if not (counts == int(units * beta)).all():
        raise AssertionError(f"{name}: random routing rows have {sorted(set(counts.tolist()))} ones, "
                             f"expected int({units}·{beta}) = {int(units * beta)}")
