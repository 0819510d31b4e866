using NUnit.Framework;
using WirelessGnn.Problems.MddCellFree;
using static WirelessGnn.Tests.Problems.MddCellFree.MddCellFreeData;

namespace WirelessGnn.Tests.Problems.MddCellFree;

/// <summary>
/// The Case 2 clustering rules (spec §8, A22, §12 item 30): every MS has a master AP and every AP serves at most one
/// MS; masters are a greedy matching (each, in the order taken, the best pair among the MSs without a master and the
/// free APs); idle APs join, in index order, their best MS whose cluster is not full; an AP stays idle only when every
/// cluster is full. Hand-made cases pin the order rule and the cap.
/// </summary>
[TestFixture]
public class UserCentricClusteringTests
{
    [Test]
    public void Sampled_clusters_follow_both_steps()
    {
        foreach (var config in new[] { Clustered, Clustered with { Aps = 24, Mss = 12, AreaSide = 400 }, Clustered with { ClusterCap = 2 }, Clustered with { Mss = 2, ClusterCap = 3 } })
            foreach (var x in Instances(config, 10, 7))
            {
                var c = UserCentricClustering.Cluster(x.Omega, config.ClusterCap);
                string what = $"L={x.Aps}, D={x.Mss}, cap {config.ClusterCap}, seed {x.Seed}";
                var best = Best(x.Omega);
                Assert.That(c.MasterAp.Distinct().Count(), Is.EqualTo(x.Mss), $"{what}: distinct masters");
                for (int d = 0; d < x.Mss; d++)
                {
                    Assert.That(c.ServedMs[c.MasterAp[d]], Is.EqualTo(d), $"{what}: master of MS {d} serves it");
                    Assert.That(c.ApsOf(d).Length, Is.InRange(1, config.ClusterCap), $"{what}: cluster size of MS {d}");
                }
                // Step 1 as a greedy matching: in decreasing order of the chosen gains, each choice beats every pair of a
                // later MS with an AP not yet taken.
                var order = Enumerable.Range(0, x.Mss).OrderByDescending(d => best[c.MasterAp[d], d]).ToArray();
                var taken = new HashSet<int>();
                for (int t = 0; t < order.Length; t++)
                {
                    int d = order[t];
                    double chosen = best[c.MasterAp[d], d];
                    for (int u = t; u < order.Length; u++)
                        for (int l = 0; l < x.Aps; l++)
                            if (!taken.Contains(l)) Assert.That(best[l, order[u]], Is.LessThanOrEqualTo(chosen), $"{what}: master of MS {d} vs (AP {l}, MS {order[u]})");
                    taken.Add(c.MasterAp[d]);
                }
                // Step 2 replayed in AP index order.
                var size = new int[x.Mss];
                for (int d = 0; d < x.Mss; d++) size[d] = 1;
                var masters = c.MasterAp.ToHashSet();
                for (int l = 0; l < x.Aps; l++)
                {
                    if (masters.Contains(l)) continue;
                    var open = Enumerable.Range(0, x.Mss).Where(d => size[d] < config.ClusterCap).ToArray();
                    if (open.Length == 0)
                    {
                        Assert.That(c.ServedMs[l], Is.EqualTo(-1), $"{what}: AP {l} idle only when every cluster is full");
                        continue;
                    }
                    Assert.That(c.ServedMs[l], Is.GreaterThanOrEqualTo(0), $"{what}: AP {l} joins a cluster");
                    Assert.That(best[l, c.ServedMs[l]], Is.EqualTo(open.Max(d => best[l, d])), $"{what}: AP {l} joins its best open cluster");
                    size[c.ServedMs[l]]++;
                }
                if (config.ClusterCap >= x.Aps) Assert.That(c.ServedMs, Has.None.EqualTo(-1), $"{what}: no idle AP when the cap cannot bind");
                var mask = c.ServesMask();
                for (int l = 0; l < x.Aps; l++)
                    Assert.That(Enumerable.Range(0, x.Mss).Count(d => mask[l, d]), Is.LessThanOrEqualTo(1), $"{what}: AP {l} serves at most one MS");
            }
    }

    [Test]
    public void Master_order_is_by_the_best_gain_among_the_free_aps()
    {
        // MS 0 takes AP 0 (gain 10). Among the rest, MS 2 has the better gain on a free AP (5 on AP 2) than MS 1 (3 on
        // AP 2), so MS 2 goes first and MS 1 gets AP 1. Ordering by the overall best gain instead (MS 1's 9 on AP 0 before
        // MS 2's 5) would give MS 1 AP 2.
        var omega = Gains(new double[,] { { 10, 9, 0.1 }, { 1, 2, 1 }, { 0.5, 3, 5 } });
        var c = UserCentricClustering.Cluster(omega, cap: 8);
        Assert.That(c.MasterAp, Is.EqualTo(new[] { 0, 1, 2 }));
    }

    [Test]
    public void Idle_aps_join_their_best_open_cluster_or_stay_idle()
    {
        // 5 APs, 2 MSs, cap 2: masters AP 0 → MS 0, AP 1 → MS 1; AP 2 prefers MS 0 (joins, MS 0 full), AP 3 prefers MS 0
        // (full) so joins MS 1 (full), AP 4 finds every cluster full and stays idle.
        var omega = Gains(new double[,] { { 9, 1 }, { 1, 9 }, { 5, 4 }, { 6, 2 }, { 3, 3 } });
        var c = UserCentricClustering.Cluster(omega, cap: 2);
        Assert.That(c.MasterAp, Is.EqualTo(new[] { 0, 1 }));
        Assert.That(c.ServedMs, Is.EqualTo(new[] { 0, 1, 0, 1, -1 }));
        Assert.That(c.ApsOf(0), Is.EqualTo(new[] { 0, 2 }));
    }

    [Test]
    public void The_best_subcarrier_decides()
    {
        // AP 0 is MS 0's best only on subcarrier 1.
        var omega = new double[2, 1, 2];
        omega[0, 0, 0] = 1; omega[0, 0, 1] = 7;
        omega[1, 0, 0] = 5; omega[1, 0, 1] = 5;
        Assert.That(UserCentricClustering.Cluster(omega, 1).MasterAp, Is.EqualTo(new[] { 0 }));
    }

    [Test]
    public void Bad_input_is_rejected()
    {
        Assert.That(() => UserCentricClustering.Cluster(new double[2, 3, 1], 8), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("L ≥ D"));
        Assert.That(() => UserCentricClustering.Cluster(new double[3, 2, 1], 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("cap"));
        Assert.That(() => new MddCellFreeSampler(Clustered with { Aps = 5 }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("aps"));
    }

    private static double[,,] Gains(double[,] byApAndMs)
    {
        var omega = new double[byApAndMs.GetLength(0), byApAndMs.GetLength(1), 1];
        for (int l = 0; l < byApAndMs.GetLength(0); l++)
            for (int d = 0; d < byApAndMs.GetLength(1); d++) omega[l, d, 0] = byApAndMs[l, d];
        return omega;
    }

    private static double[,] Best(double[,,] omega)
    {
        var best = new double[omega.GetLength(0), omega.GetLength(1)];
        for (int l = 0; l < omega.GetLength(0); l++)
            for (int d = 0; d < omega.GetLength(1); d++)
                best[l, d] = Enumerable.Range(0, omega.GetLength(2)).Max(m => omega[l, d, m]);
        return best;
    }
}
