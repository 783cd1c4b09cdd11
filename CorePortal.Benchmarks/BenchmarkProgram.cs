using System.Globalization;
using CorePortal.Data;

namespace CorePortal.Benchmarks;

/// <summary>`dotnet run -c Release --project CorePortal.Benchmarks -- [--clients N] [--out results.json] [--provider Postgres --pg "conn"]`</summary>
public static class BenchmarkProgram
{
    private const string Usage = "[--clients N] [--out results.json] [--db path] [--listeners 200,1000] [--live-bookings 50] [--visits 2000] [--profile-opens 20] [--circuits 100] [--pool-credits 2000] [--provider Postgres --pg \"Host=…;Database=…;Username=…\"]";

    public static async Task<int> Main(string[] args)
    {
        var options = new BenchmarkOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--clients" => options with { Clients = Int(value) },
                "--out" => options with { OutFile = value },
                "--db" => options with { DatabasePath = value },
                "--listeners" => options with { Listeners = value.Split(',').Select(Int).ToList() },
                "--live-bookings" => options with { LiveBookings = Int(value) },
                "--visits" => options with { Visits = Int(value) },
                "--profile-opens" => options with { ProfileOpens = Int(value) },
                "--circuits" => options with { Circuits = Int(value) },
                "--pool-credits" => options with { PoolCredits = Int(value) },
                "--provider" => options with { Provider = Enum.Parse<DatabaseEngine>(value, ignoreCase: true) },
                "--pg" => options with { PostgresConnection = value },
                _ => throw new ArgumentException($"Unknown option {args[i]}. Use: {Usage}"),
            };
            i++;
        }
        var report = await BenchmarkRunner.RunAsync(options, Console.WriteLine);
        Console.WriteLine();
        Console.WriteLine($"CorePortal benchmark, {report.Date}, {report.Machine}, {report.Clients:N0} clients");
        Console.WriteLine(report.Table());
        if (options.OutFile is not null) await File.WriteAllTextAsync(options.OutFile, report.Json());
        foreach (var failure in report.FailedChecks) Console.Error.WriteLine($"CHECK FAILED: {failure}");
        return report.FailedChecks.Count == 0 ? 0 : 1;
    }

    private static int Int(string value) => int.Parse(value, CultureInfo.InvariantCulture);
}
