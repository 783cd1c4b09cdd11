using System.Diagnostics;
using CorePortal.Data;
using Microsoft.Extensions.Options;

namespace CorePortal.Features.Seeding;

/// <summary>
/// The command-line form `seed [--clients N] [--db path | --pg "npgsql connection string"] [--seed N]`: builds a demo database
/// with a progress bar, then exits. Without --db or --pg it seeds the configured database (Database__Provider, ConnectionStrings__Core).
/// </summary>
public sealed class SeedCommand
{
    public required Dictionary<string, string?> Configuration { get; init; }

    public static SeedCommand? TryParse(string[] args)
    {
        if (args.Length == 0 || args[0] != "seed") return null;
        var config = new Dictionary<string, string?> { ["Seed:Demo"] = "true" };
        for (var i = 1; i < args.Length - 1; i += 2)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case "--clients": config["Seed:Clients"] = value; break;
                case "--seed": config["Seed:RandomSeed"] = value; break;
                case "--db":
                    config["Database:Provider"] = nameof(DatabaseEngine.Sqlite);
                    config["ConnectionStrings:Core"] = $"Data Source={value}";
                    break;
                case "--pg":
                    config["Database:Provider"] = nameof(DatabaseEngine.Postgres);
                    config["ConnectionStrings:Core"] = value;
                    break;
                default: throw new ArgumentException($"Unknown option {args[i]}. Use: seed [--clients N] [--db path | --pg \"connection string\"] [--seed N]");
            }
        }
        return new SeedCommand { Configuration = config };
    }

    public async Task RunAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var options = scope.ServiceProvider.GetRequiredService<IOptions<SeedOptions>>().Value;
        var watch = Stopwatch.StartNew();
        var progress = new ConsoleProgressBar($"Seeding {options.Clients:N0} clients");
        var seeded = await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedIfEmptyAsync(options, progress);
        Console.WriteLine(seeded
            ? $"\nDone in {watch.Elapsed.TotalSeconds:F1} s."
            : "The database already holds a studio; nothing was added.");
    }

    private sealed class ConsoleProgressBar(string label) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value)
        {
            const int width = 40;
            var filled = value.Total == 0 ? width : (int)((long)value.Done * width / value.Total);
            Console.Write($"\r{label} [{new string('#', filled)}{new string('-', width - filled)}] {value.Done:N0}/{value.Total:N0}");
        }
    }
}
