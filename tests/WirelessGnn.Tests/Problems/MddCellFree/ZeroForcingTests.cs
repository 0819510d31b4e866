using System.Numerics;
using NUnit.Framework;
using WirelessGnn.Problems.MddCellFree;
using static WirelessGnn.Tests.Problems.MddCellFree.MddCellFreeData;

namespace WirelessGnn.Tests.Problems.MddCellFree;

/// <summary>
/// Zero forcing (spec §12 items 1–4): the precoder and combiner invert the channel, precoders null the other MSs and
/// give ω on their own, the Gram-matrix forms equal the explicit vector norms, N = D = 1 reduces to |h|, and D &gt; N is
/// rejected. Channels span six decades of power, as in a layout.
/// </summary>
[TestFixture]
public class ZeroForcingTests
{
    private static readonly (int D, int N)[] Sizes = { (1, 1), (1, 4), (3, 4), (4, 4), (6, 8), (8, 8) };

    [Test]
    public void Precoder_and_combiner_invert_the_channel()
    {
        var rng = new Random(1);
        foreach (var (nd, n) in Sizes)
            for (int trial = 0; trial < 20; trial++)
            {
                var h = RandomChannels(rng, nd, n);
                var w = ZeroForcing.Combiners(h); // W^ZF = H G^{-1} = F^ZF before normalisation
                for (int d = 0; d < nd; d++)
                    for (int e = 0; e < nd; e++)
                    {
                        // (H_DL F^ZF)_{e,d} = h_e^H f_d^ZF and (W^H H_UL)_{d,e} = w_d^H h_e: both must be δ_de.
                        Complex hf = Inner(h[e], w[d]);
                        Complex wh = Complex.Conjugate(Inner(h[e], w[d]));
                        double target = d == e ? 1 : 0;
                        Assert.That(Complex.Abs(hf - target), Is.LessThan(1e-9), $"D={nd}, N={n}: (H F^ZF)[{e},{d}]");
                        Assert.That(Complex.Abs(wh - target), Is.LessThan(1e-9), $"D={nd}, N={n}: (W^H H)[{d},{e}]");
                    }
            }
    }

    [Test]
    public void Normalised_precoders_null_the_other_users_and_deliver_omega_to_their_own()
    {
        var rng = new Random(2);
        foreach (var (nd, n) in Sizes)
            for (int trial = 0; trial < 20; trial++)
            {
                var h = RandomChannels(rng, nd, n);
                var f = ZeroForcing.Precoders(h);
                var omega = ZeroForcing.DlGains(h);
                for (int d = 0; d < nd; d++)
                {
                    Assert.That(Math.Sqrt(f[d].Sum(c => c.Magnitude * c.Magnitude)), Is.EqualTo(1).Within(1e-12), $"D={nd}, N={n}: ‖f_{d}‖");
                    var own = Inner(h[d], f[d]);
                    Relative(omega[d], own.Real, 1e-9, $"D={nd}, N={n}: h_d^H f_d = ω_d");
                    Assert.That(Math.Abs(own.Imaginary), Is.LessThan(1e-9 * omega[d]), $"D={nd}, N={n}: h_d^H f_d is real");
                    for (int e = 0; e < nd; e++)
                        if (e != d)
                            Assert.That(Inner(h[e], f[d]).Magnitude, Is.LessThan(1e-9 * Norm(h[e])), $"D={nd}, N={n}: |h_{e}^H f_{d}|");
                }
            }
    }

    [Test]
    public void Gram_forms_equal_the_norms_of_the_explicit_vectors()
    {
        var rng = new Random(3);
        foreach (var (nd, n) in Sizes)
            for (int trial = 0; trial < 20; trial++)
            {
                var h = RandomChannels(rng, nd, n);
                var w = ZeroForcing.Combiners(h);
                var omega = ZeroForcing.DlGains(h);
                var upsilon = ZeroForcing.UlCombinerEnergies(h);
                var gram = ZeroForcing.Gram(h);
                var inverse = ZeroForcing.InverseGram(h);
                for (int d = 0; d < nd; d++)
                {
                    Relative(1 / Norm(w[d]), omega[d], 1e-9, $"D={nd}, N={n}: ω = 1/‖f^ZF‖");
                    Relative(Norm(w[d]) * Norm(w[d]), upsilon[d], 1e-9, $"D={nd}, N={n}: υ = ‖w‖²");
                    Relative(inverse[d, d].Real, upsilon[d], 1e-9, $"D={nd}, N={n}: υ = [G^-1]_dd");
                    // G G^{-1} = I checks the Cholesky inverse as a whole, not only its diagonal.
                    for (int e = 0; e < nd; e++)
                    {
                        Complex s = 0;
                        for (int k = 0; k < nd; k++) s += gram[d, k] * inverse[k, e];
                        Assert.That((s - (d == e ? 1 : 0)).Magnitude, Is.LessThan(1e-9), $"D={nd}, N={n}: (G G^-1)[{d},{e}]");
                    }
                }
            }
    }

    [Test]
    public void A_single_antenna_and_a_single_user_give_the_channel_magnitude()
    {
        var h = new[] { new[] { new Complex(3e-6, -4e-6) } };
        Relative(5e-6, ZeroForcing.DlGains(h)[0], 1e-14, "ω = |h|");
        Relative(1 / 25e-12, ZeroForcing.UlCombinerEnergies(h)[0], 1e-14, "υ = 1/|h|²");
    }

    [Test]
    public void More_users_than_antennas_is_rejected()
    {
        var h = RandomChannels(new Random(4), 3, 2);
        foreach (var call in new Action[] { () => ZeroForcing.DlGains(h), () => ZeroForcing.UlCombinerEnergies(h), () => ZeroForcing.Precoders(h) })
            Assert.That(() => call(), Throws.ArgumentException.With.Message.Contains("N ≥ D"));
        Assert.That(() => new MddCellFreeSampler(new MddCellFreeConfig { Mss = 9, Antennas = 8 }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("mss"));
    }

    [Test]
    public void Linearly_dependent_channels_are_rejected()
    {
        var h = RandomChannels(new Random(5), 2, 4);
        h[1] = h[0].Select(c => c * new Complex(0, 2)).ToArray();
        Assert.That(() => ZeroForcing.DlGains(h), Throws.ArgumentException.With.Message.Contains("singular"));
    }

    /// <summary>a^H b.</summary>
    private static Complex Inner(Complex[] a, Complex[] b)
    {
        Complex s = 0;
        for (int i = 0; i < a.Length; i++) s += Complex.Conjugate(a[i]) * b[i];
        return s;
    }

    private static double Norm(Complex[] a) => Math.Sqrt(a.Sum(c => c.Magnitude * c.Magnitude));
}
