import numpy as np
import torch

from dtr_torch import config as cfgmod
from dtr_torch.model import DiT
from dtr_torch.routing import dtr_starts, tables


def test_dtr_mask_starts_match_spec_vectors():
    # dtr-spec.md §2.1 (numpy, β=0.8, α=4, T=1000): start[t] at t=0,100,…,900 and 999
    at = list(range(0, 1000, 100)) + [999]
    for C, want in [(384, [0, 0, 0, 1, 2, 5, 10, 19, 32, 51, 77]), (256, [0, 0, 0, 0, 1, 3, 7, 13, 21, 34, 52]),
                    (128, [0, 0, 0, 0, 1, 2, 3, 6, 11, 17, 26])]:
        s, n = dtr_starts(1000, C, 4.0, 0.8)
        assert [int(s[t]) for t in at] == want and n == int(C * 0.8)
    assert list(dtr_starts(10, 10, 1.0, 0.5)[0]) == [0, 1, 1, 2, 2, 3, 3, 4, 4, 5]
    assert list(dtr_starts(10, 10, 4.0, 0.5)[0]) == [0, 0, 0, 0, 0, 0, 1, 2, 3, 5]


def test_random_tables_have_width_and_differ_per_block():
    m = cfgmod.preset_model("tiny")
    m["routing"], m["routingSeed"] = "random", 0xA5
    t = tables(m)
    assert t.shape == (2, 1000, 64)
    assert (t.sum(-1) == int(64 * 0.8)).all()
    assert not np.array_equal(t[0], t[1])


def test_zero_init_is_identity_and_beta_one_is_vanilla():
    torch.manual_seed(0)
    m = cfgmod.preset_model("tiny")
    net = DiT(m)
    x = torch.randn(3, 1, 28, 28)
    t = torch.tensor([0, 500, 999])
    y = torch.tensor([1, 2, 10])
    assert net(x, t, y).abs().max() == 0
    for p in net.parameters():
        if p.requires_grad:
            p.data.normal_(0, 0.05)
    m1 = dict(m, beta=1.0)
    vanilla = DiT(dict(m1, routing="none"))
    vanilla.load_state_dict(net.state_dict())
    net.set_routing(4.0, 1.0)
    assert torch.allclose(net(x, t, y), vanilla(x, t, y), atol=1e-6)


def test_state_dict_names_are_the_reference_dits():
    names = set(DiT(cfgmod.preset_model("tiny")).state_dict())
    for n in ["x_embedder.proj.weight", "pos_embed", "t_embedder.mlp.0.weight", "t_embedder.mlp.2.bias",
              "y_embedder.embedding_table.weight", "blocks.1.attn.qkv.weight", "blocks.1.attn.proj.bias",
              "blocks.0.mlp.fc1.weight", "blocks.0.mlp.fc2.bias", "blocks.0.adaLN_modulation.1.weight",
              "final_layer.adaLN_modulation.1.bias", "final_layer.linear.weight"]:
        assert n in names
    assert not any("masks" in n for n in names)


def test_dpmpp2m_timesteps_match_swift_and_a_point_mass_is_recovered():
    from dtr_torch import diffusion
    sched = diffusion.Schedule("linear", 1000)
    assert diffusion.lambda_uniform(sched.alphas_cumprod, 10) == [999, 886, 757, 603, 410, 202, 73, 22, 5, 0]
    assert diffusion.lambda_uniform(sched.alphas_cumprod, 1000) == list(range(999, -1, -1))
    assert diffusion.parse_sampler("dpmpp2m:15") == ("dpmpp2m", 15, 0.0, None)
    assert diffusion.parse_sampler("dpmpp2m:15@0.28..5.42") == ("dpmpp2m", 15, 0.0, (0.28, 5.42))
    assert diffusion.parse_sampler("ddim:20:0.5@0..11") == ("ddim", 20, 0.5, (0.0, 11.0))
    for bad in ("dpmpp2m:0", "dpmpp2m:15:0.5", "dpmpp2m:x", "dpmpp2m:15@5..1", "dpmpp2m:15@0.3", "dpmpp2m:15@",
                "dpmpp2m:15@0.2_8..5", "dpmpp2m:15@ 0.28..5"):
        try:
            diffusion.parse_sampler(bad)
            raise AssertionError(bad)
        except ValueError as e:
            assert "dpmpp2m:N" in str(e)
    # A point mass c_y per class: the guided oracle is the point c_∅ + s(c_y − c_∅), where the sampler lands.
    c = torch.tensor([[0.3], [-0.4], [0.1]])  # classes 0, 1 and the null class 2

    def oracle(x, t, y):
        a = torch.tensor(sched.alphas_cumprod, dtype=torch.float32)[t].view(-1, 1, 1, 1)
        return (x - a.sqrt() * c[y].view(-1, 1, 1, 1)) / (1 - a).sqrt()

    labels = torch.tensor([0, 1, 1, 0])
    x = diffusion.sample(oracle, sched, labels, torch.randn((4, 1, 2, 2), generator=torch.Generator().manual_seed(0)),
                         sampler="dpmpp2m:12", cfg=2.0, null=2)
    want = c[2] + 2.0 * (c[labels] - c[2])
    assert torch.allclose(x, want.view(-1, 1, 1, 1).expand_as(x), atol=2e-3)
    # Guidance in an interval holding every call is guidance everywhere; one holding none is the class's point.
    x0 = torch.randn((4, 1, 2, 2), generator=torch.Generator().manual_seed(0))
    every = diffusion.sample(oracle, sched, labels, x0, sampler="dpmpp2m:12@0..1000", cfg=2.0, null=2)
    assert torch.equal(every, x)
    none = diffusion.sample(oracle, sched, labels, x0, sampler="dpmpp2m:12@500..1000", cfg=2.0, null=2)
    assert torch.allclose(none, c[labels].view(-1, 1, 1, 1).expand_as(x), atol=2e-3)
