namespace WirelessGnn.Models.Hbgnn;

/// <summary>The paper's reported numbers (spec §8), printed beside ours and never used as results.</summary>
public static class HbgnnPaper
{
    /// <summary>Table II: parameter counts of the FCNN, CNN and HBGNN.</summary>
    public const double FcnnParameters = 6.4e7, CnnParameters = 5.0e5, HbgnnParameters = 4.7e5;

    /// <summary>Table III (bit/s/Hz, default setup, mean of 200 runs) and Table IV (mean seconds per event, Python on an i7-9700K), by method.</summary>
    public static readonly IReadOnlyDictionary<string, (double Rate, double Seconds)> Tables = new Dictionary<string, (double, double)>
    {
        ["maramp"] = (57.259, 0.037), ["msuamp"] = (108.081, 3.334), ["msuapc"] = (136.219, 285.503), ["uamwser"] = (111.266, 0.204),
        ["juapcmwser"] = (153.227, 1019.489), ["grl"] = (195.451, 0.039), ["srl"] = (221.000, 97.697),
    };

    /// <summary>The same numbers for report.json's "paper" block.</summary>
    public static IReadOnlyDictionary<string, double> ReportNumbers => Tables
        .SelectMany(kv => new[] { ($"table3_rate_{kv.Key}", kv.Value.Rate), ($"table4_seconds_{kv.Key}", kv.Value.Seconds) })
        .Concat(new[] { ("table2_parameters_fcnn", FcnnParameters), ("table2_parameters_cnn", CnnParameters), ("table2_parameters_hbgnn", HbgnnParameters) })
        .ToDictionary(x => x.Item1, x => x.Item2);
}
