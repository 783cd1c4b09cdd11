using System.Globalization;
using System.Text.Json;

namespace CorePortal.Benchmarks;

/// <summary>One line of the results table. Latencies in milliseconds; null where not measured or not applicable.</summary>
public sealed record ResultRow(string Scenario, string Figure, double? P50Ms, double? P95Ms, double? P99Ms, string Baseline, double? Ratio, string Note);

public sealed record BenchmarkReport(string Date, string Machine, int Clients, IReadOnlyList<ResultRow> Rows, IReadOnlyList<string> FailedChecks)
{
    public string Table()
    {
        var lines = new List<string[]> { Header };
        lines.AddRange(Rows.Select(r => new[] { r.Scenario, r.Figure, Ms(r.P50Ms), Ms(r.P95Ms), Ms(r.P99Ms), r.Baseline, r.Ratio is { } x ? x.ToString("F2", CultureInfo.InvariantCulture) + "x" : "", r.Note }));
        var widths = Enumerable.Range(0, 8).Select(i => lines.Max(l => l[i].Length)).ToArray();
        return string.Join('\n', lines.Select(l => string.Join(" | ", l.Select((c, i) => c.PadRight(widths[i]))).TrimEnd()));
    }

    public string Json() => JsonSerializer.Serialize(this, Indented);

    private static readonly string[] Header = ["scenario", "figure", "p50 ms", "p95 ms", "p99 ms", "baseline", "ratio", "note"];
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static string Ms(double? ms) => ms is { } v ? v.ToString("F3", CultureInfo.InvariantCulture) : "";
}

public static class Stats
{
    /// <summary>Nearest-rank percentile of the sample, in milliseconds.</summary>
    public static double Percentile(IReadOnlyList<double> samples, double p)
    {
        if (samples.Count == 0) return double.NaN;
        var sorted = samples.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static string N(double value, string format = "N0") => value.ToString(format, CultureInfo.InvariantCulture);
}
