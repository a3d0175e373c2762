# PyTorch side of `BENCH=pretrain`: the same GPT-2 style model as sluice's trainer (tied embeddings, learned
# positions, pre-LayerNorm, causal attention, GELU-tanh MLP 4x, biases), trained on the same token stream (random
# windows of the training split, documents each followed by end-of-text) for the same wall time, with sluice's
# AdamW, warmup + cosine schedule (over the steps that fit the time, estimated from the first steps) and clipping,
# then evaluated on the same validation windows. Prints one JSON line.
import json, math, sys, time
import numpy as np
import torch
from torch_gpt import make_gpt

cfg = json.loads(sys.argv[1])
d, L, H, T, B, V = (cfg[k] for k in ('d', 'L', 'H', 'T', 'B', 'V'))
torch.set_num_threads(cfg['threads'])
torch.manual_seed(cfg['seed'])
train = np.fromfile(cfg['train'], dtype=np.int32)
val = np.fromfile(cfg['val'], dtype=np.int32).reshape(-1, B, T + 1)

model = make_gpt(d, L, H, T, V)
decay = [p for p in model.parameters() if p.dim() == 2]
other = [p for p in model.parameters() if p.dim() < 2]
opt = torch.optim.AdamW([{'params': decay, 'weight_decay': cfg['weightDecay']}, {'params': other, 'weight_decay': 0.0}], lr=cfg['lr'], betas=(0.9, 0.95), eps=1e-8)
rng = np.random.default_rng(cfg['seed'])

def lr_at(step, steps):
    if step < cfg['warmupSteps']: return cfg['lr'] * (step + 1) / cfg['warmupSteps']
    lo = cfg['lr'] * cfg['minLrRatio']
    p = min(1.0, (step - cfg['warmupSteps']) / max(1, steps - cfg['warmupSteps']))
    return lo + 0.5 * (cfg['lr'] - lo) * (1 + math.cos(math.pi * p))

def step(i, steps):
    starts = rng.integers(0, len(train) - T - 1, B)
    w = torch.from_numpy(np.stack([train[s:s + T + 1] for s in starts]).astype(np.int64))
    for g in opt.param_groups: g['lr'] = lr_at(i, steps)
    loss = model(w[:, :T], w[:, 1:])
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), cfg['gradClip'])
    opt.step()

budget = cfg['seconds']
t0 = time.perf_counter()
probe = 10
for i in range(probe): step(i, cfg['steps'])
per_step = (time.perf_counter() - t0) / probe
steps = max(probe + 1, int(budget / per_step))
i = probe
while i < steps and time.perf_counter() - t0 < budget:
    step(i, steps)
    i += 1
train_s = time.perf_counter() - t0
model.eval()
with torch.no_grad():
    vl = sum(model(torch.from_numpy(b[:, :T].astype(np.int64)), torch.from_numpy(b[:, 1:].astype(np.int64))).item() for b in val) / len(val)
print(json.dumps({'steps': i, 'seconds': train_s, 'tokens_per_sec': i * B * T / train_s, 'val_loss': vl, 'val_perplexity': math.exp(vl), 'torch': torch.__version__}))
