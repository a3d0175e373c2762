# PyTorch reference for `make bench`: the same GPT-2 style model (tied embeddings, learned positions, pre-LayerNorm,
# causal attention, GELU-tanh MLP 4x, biases) and AdamW step as sluice's trainer, on random tokens, CPU.
# Prints one JSON line: {"tokens_per_sec": ..., "threads": ..., "torch": ...}.
import json, math, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

d, L, H, T, B, V, threads, steps = (int(x) for x in sys.argv[1:9])
torch.set_num_threads(threads)
torch.manual_seed(0)

class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1, self.ln_2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.c_attn, self.c_proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.c_fc, self.mlp_proj = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)
    def forward(self, x):
        q, k, v = self.c_attn(self.ln_1(x)).split(d, dim=2)
        q, k, v = (t.reshape(B, T, H, d // H).transpose(1, 2) for t in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(d // H)
        att = att.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float('-inf')).softmax(-1)
        x = x + self.c_proj((att @ v).transpose(1, 2).reshape(B, T, d))
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate='tanh'))

class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(V, d), nn.Embedding(T, d)
        self.h = nn.ModuleList(Block() for _ in range(L))
        self.ln_f = nn.LayerNorm(d)
    def forward(self, idx, targets):
        x = self.wte(idx) + self.wpe(torch.arange(T))
        for b in self.h: x = b(x)
        logits = self.ln_f(x) @ self.wte.weight.t()
        return F.cross_entropy(logits.reshape(-1, V), targets.reshape(-1))

model = GPT()
decay = [p for p in model.parameters() if p.dim() == 2]
other = [p for p in model.parameters() if p.dim() < 2]
opt = torch.optim.AdamW([{'params': decay, 'weight_decay': 0.1}, {'params': other, 'weight_decay': 0.0}], lr=1e-3, betas=(0.9, 0.95), eps=1e-8)
data = torch.randint(0, V, (steps + 3, B, T + 1))
def step(i):
    loss = model(data[i, :, :T], data[i, :, 1:])
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
for i in range(3): step(i)
t0 = time.perf_counter()
for i in range(steps): step(3 + i)
dt = time.perf_counter() - t0
print(json.dumps({'tokens_per_sec': steps * B * T / dt, 'threads': threads, 'torch': torch.__version__}))
