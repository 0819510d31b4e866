namespace WirelessGnn.Problems.MddCellFree;

/// <summary>
/// Which FFT bin (0..M_sum−1) carries each DL subcarrier m and each UL subcarrier m̄ (spec §2.4, A2). The two sets are
/// disjoint and together cover every bin.
/// </summary>
/// <param name="Dl">Bin of DL subcarrier m, <c>[M]</c>, increasing.</param>
/// <param name="Ul">Bin of UL subcarrier m̄, <c>[M̄]</c>, increasing.</param>
public sealed record SubcarrierBins(int[] Dl, int[] Ul)
{
    /// <summary>The mapping of <paramref name="config"/>: Block (DL on bins 0..M−1, UL on M..M_sum−1) or Interleaved.</summary>
    public static SubcarrierBins For(MddCellFreeConfig config) => For(config.DlSubcarriers, config.UlSubcarriers, config.Mapping);

    /// <summary>
    /// Block: <c>k_DL(m) = m</c>, <c>k_UL(m̄) = M + m̄</c>. Interleaved: <c>k_UL(m̄) = floor((m̄ + ½)·M_sum/M̄)</c> (0-based m̄;
    /// the spacing M_sum/M̄ ≥ 1 keeps the bins distinct and below M_sum), the remaining bins DL in increasing order.
    /// </summary>
    public static SubcarrierBins For(int dl, int ul, SubcarrierMapping mapping)
    {
        if (dl < 1) throw new ArgumentOutOfRangeException(nameof(dl), dl, $"dlSubcarriers = {dl} is out of range; expected ≥ 1.");
        if (ul < 1) throw new ArgumentOutOfRangeException(nameof(ul), ul, $"ulSubcarriers = {ul} is out of range; expected ≥ 1.");
        int total = dl + ul;
        switch (mapping)
        {
            case SubcarrierMapping.Block:
                return new SubcarrierBins(Enumerable.Range(0, dl).ToArray(), Enumerable.Range(dl, ul).ToArray());
            case SubcarrierMapping.Interleaved:
                // Integer form of floor((m̄ + ½)·M_sum/M̄) = floor((2m̄ + 1)·M_sum / (2M̄)), exact for every size.
                var ulBins = Enumerable.Range(0, ul).Select(k => (int)((2L * k + 1) * total / (2L * ul))).ToArray();
                var taken = new HashSet<int>(ulBins);
                return new SubcarrierBins(Enumerable.Range(0, total).Where(k => !taken.Contains(k)).ToArray(), ulBins);
            default:
                throw new ArgumentOutOfRangeException(nameof(mapping), mapping, $"mapping = {mapping} is out of range; expected Block or Interleaved.");
        }
    }
}
