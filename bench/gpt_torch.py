# PyTorch reference for `make bench`: the same GPT-2 style model (bench/torch_gpt.py: tied embeddings, learned positions, pre-LayerNorm,
# causal attention, GELU-tanh MLP 4x, biases) and AdamW step as sluice's trainer, on random tokens, CPU.
# Prints one JSON line: {"tokens_per_sec": ..., "threads": ..., "torch": ...}.
import json, math, sys, time
import torch
from torch_gpt import make_gpt

d, L, H, T, B, V, threads, steps = (int(x) for x in sys.argv[1:9])
torch.set_num_threads(threads)
torch.manual_seed(0)

model = make_gpt(d, L, H, T, V)
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
