# PyTorch side of `BENCH=pretrain`: the same GPT-2 style model as sluice's trainer (tied embeddings, learned
# positions, pre-LayerNorm, causal attention, GELU-tanh MLP 4x, biases), trained on the same token stream (random
# windows of the training split, documents each followed by end-of-text) for the same wall time, with sluice's
# AdamW, warmup + cosine schedule (over the steps that fit the time, estimated from the first steps) and clipping,
# then evaluated on the same validation windows. Prints one JSON line.
import json, math, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

cfg = json.loads(sys.argv[1])
d, L, H, T, B, V = (cfg[k] for k in ('d', 'L', 'H', 'T', 'B', 'V'))
torch.set_num_threads(cfg['threads'])
torch.manual_seed(cfg['seed'])
train = np.fromfile(cfg['train'], dtype=np.int32)
val = np.fromfile(cfg['val'], dtype=np.int32).reshape(-1, B, T + 1)

class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1, self.ln_2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.c_attn, self.c_proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.c_fc, self.mlp_proj = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)
        for w in (self.c_proj.weight, self.mlp_proj.weight): nn.init.normal_(w, 0, 0.02 / math.sqrt(2 * L))
    def forward(self, x):
        b, t, _ = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(d, dim=2)
        q, k, v = (z.reshape(b, t, H, d // H).transpose(1, 2) for z in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(d // H)
        att = att.masked_fill(torch.ones(t, t, dtype=torch.bool).triu(1), float('-inf')).softmax(-1)
        x = x + self.c_proj((att @ v).transpose(1, 2).reshape(b, t, d))
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate='tanh'))

class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(V, d), nn.Embedding(T, d)
        for w in (self.wte.weight, self.wpe.weight): nn.init.normal_(w, 0, 0.02)
        self.h = nn.ModuleList(Block() for _ in range(L))
        self.ln_f = nn.LayerNorm(d)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                if m not in [b.c_proj for b in self.h] + [b.mlp_proj for b in self.h]: nn.init.normal_(m.weight, 0, 0.02)
                nn.init.zeros_(m.bias)
    def forward(self, idx, targets):
        x = self.wte(idx) + self.wpe(torch.arange(idx.shape[1]))
        for b in self.h: x = b(x)
        logits = self.ln_f(x) @ self.wte.weight.t()
        return F.cross_entropy(logits.reshape(-1, V), targets.reshape(-1))

model = GPT()
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
