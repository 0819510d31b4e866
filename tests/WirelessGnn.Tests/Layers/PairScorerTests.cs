using NUnit.Framework;
using WirelessGnn.Layers;
using WirelessGnn.Tests.Support;
using static TorchSharp.torch;

namespace WirelessGnn.Tests.Layers;

/// <summary><see cref="PairScorer"/> is the MLP over the concatenation <c>[x_a, y_b, e_ab]</c>, computed per node.</summary>
[TestFixture]
public class PairScorerTests
{
    [Test]
    public void Pair_scorer_equals_the_MLP_over_the_concatenation_in_value_gradient_and_weights()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        long b = 3, i = 5, j = 4, k = 3;
        int da = 6, db = 7, de = 2, hidden = 16;
        var scorer = new PairScorer(da, db, de, hidden, output: 2);
        var mlp = new Mlp(new[] { da + db + de, hidden, 2 }, activateLast: false);
        Assert.That(scorer.state_dict().Keys, Is.EquivalentTo(mlp.state_dict().Keys), "same parameter names, so checkpoints load both ways");
        mlp.load_state_dict(scorer.state_dict());

        var left = randn(b, i, da, requires_grad: true);
        var right = randn(b, j, db, requires_grad: true);
        var partner = randint(0, j, new[] { b, i, k }, dtype: ScalarType.Int64);
        var features = randn(b, i, k, de);
        var z = scorer.call(left, right, partner, features);
        Assert.That(z.shape, Is.EqualTo(new[] { b, i, k, 2L }));

        var gathered = right.gather(1, partner.reshape(b, i * k, 1).expand(b, i * k, db)).reshape(b, i, k, db);
        var reference = mlp.call(cat(new[] { left.unsqueeze(2).expand(b, i, k, da), gathered, features }, -1));
        TensorAssert.Close(reference, z, 1e-5, "scores");

        var upstream = randn(b, i, k, 2);
        var (gl, gr) = (autograd.grad(new[] { (z * upstream).sum() }, new[] { left, right }), autograd.grad(new[] { (reference * upstream).sum() }, new[] { left, right }));
        TensorAssert.Close(gr[0], gl[0], 1e-5, "gradient wrt the left nodes");
        TensorAssert.Close(gr[1], gl[1], 1e-5, "gradient wrt the right nodes");
    }

    [Test]
    public void Pair_scorer_counts_its_first_stage_per_node_not_per_pair()
    {
        using var scope = NewDisposeScope();
        var scorer = new PairScorer(6, 7, 2, 16, output: 2);
        // (5·6 + 4·7)·16 for the two projections, then per pair 2·16 for the features and 16·2 for the second stage.
        Assert.That(scorer.MultiplyAccumulates(5, 4, 15), Is.EqualTo(58 * 16 + 15 * 64));
        // Against the MLP over the concatenation, which pays (6 + 7 + 2)·16 + 16·2 on every pair.
        Assert.That(scorer.MultiplyAccumulates(5, 4, 15), Is.LessThan(15 * Mlp.MultiplyAccumulatesOf(new[] { 15, 16, 2 })));
    }

    [Test]
    public void Pair_scorer_names_the_input_of_the_wrong_shape()
    {
        using var scope = NewDisposeScope();
        var scorer = new PairScorer(4, 3, 1, 8);
        var partner = zeros(new long[] { 2, 5, 3 }, dtype: ScalarType.Int64);
        var ex = Assert.Throws<ArgumentException>(() => scorer.call(randn(2, 5, 4), randn(2, 6, 2), partner, randn(2, 5, 3, 1)));
        Assert.That(ex!.Message, Does.Contain("right"));
        ex = Assert.Throws<ArgumentException>(() => scorer.call(randn(2, 5, 4), randn(2, 6, 3), partner.to(ScalarType.Int32), randn(2, 5, 3, 1)));
        Assert.That(ex!.Message, Does.Contain("partner"));
        ex = Assert.Throws<ArgumentException>(() => scorer.call(randn(2, 5, 4), randn(2, 6, 3), partner, randn(2, 5, 2, 1)));
        Assert.That(ex!.Message, Does.Contain("pairFeatures"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PairScorer(4, 0, 1, 8));
    }
}
