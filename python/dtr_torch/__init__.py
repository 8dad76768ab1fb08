"""dtr_torch: DTR Workbench's PyTorch engine.

Trains the same DiT with Denoising Task Routing as the Swift `dtr`, under `torchrun` with
DistributedDataParallel, and speaks the same run-directory protocol (docs/events.md, docs/control.md,
docs/checkpoints.md), so `dtr watch` / `dtr attach` follow and steer it and checkpoints move between the
two engines.
"""

ENGINE = "dtr_torch"
EVENT_SCHEMA = 2
CHECKPOINT_FORMAT = "dtr-checkpoint-v1"
