# The PyTorch GPT the benches compare sluice with: GPT-2 style (tied embeddings, learned positions, pre-LayerNorm,
# causal attention, GELU-tanh MLP 4x, biases), initialised as sluice does (normal 0.02, residual projections
# 0.02 / sqrt(2L), zero biases). Imported by gpt_torch.py and pretrain_torch.py.
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

def make_gpt(d, L, H, T, V):
    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln_1, self.ln_2 = nn.LayerNorm(d), nn.LayerNorm(d)
            self.c_attn, self.c_proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
            self.c_fc, self.mlp_proj = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)
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
            self.h = nn.ModuleList(Block() for _ in range(L))
            self.ln_f = nn.LayerNorm(d)
            residual = {id(b.c_proj) for b in self.h} | {id(b.mlp_proj) for b in self.h}
            for w in (self.wte.weight, self.wpe.weight): nn.init.normal_(w, 0, 0.02)
            for m in self.modules():
                if isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight, 0, 0.02 / math.sqrt(2 * L) if id(m) in residual else 0.02)
                    nn.init.zeros_(m.bias)
        def forward(self, idx, targets):
            x = self.wte(idx) + self.wpe(torch.arange(idx.shape[1]))
            for b in self.h: x = b(x)
            logits = self.ln_f(x) @ self.wte.weight.t()
            return F.cross_entropy(logits.reshape(-1, V), targets.reshape(-1))

    return GPT()
