namespace WirelessGnn.Models.Reporting;

/// <summary>Wall times in logs and summaries.</summary>
public static class Duration
{
    /// <summary>
    /// <c>h:mm:ss</c> with the whole hours counted, not wrapped at a day (<c>0:51:45</c>, <c>1:03:20</c>, <c>27:00:05</c>);
    /// a negative span (an estimate that ran out) reads as zero.
    /// </summary>
    public static string Format(TimeSpan t)
    {
        if (t < TimeSpan.Zero) t = TimeSpan.Zero;
        return $"{(long)t.TotalHours}:{t:mm\\:ss}";
    }
}
