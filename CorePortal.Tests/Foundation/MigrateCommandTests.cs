using System.Diagnostics;
using CorePortal.Data;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Foundation;

/// <summary>`dotnet run --project CorePortal -- migrate`: the built app, as a real process, migrates an empty database and exits.</summary>
[Trait("Engine", "Postgres")] // names its engines: runs once, in the first pass
public sealed class MigrateCommandTests
{
    [Theory]
    [InlineData(DatabaseEngine.Sqlite)]
    [InlineData(DatabaseEngine.Postgres)]
    public async Task The_migrate_command_brings_an_empty_database_up_to_date_and_seeds_nothing(DatabaseEngine engine)
    {
        if (engine == DatabaseEngine.Postgres) PostgresServer.SkipIfUnavailable();
        var folder = Directory.CreateTempSubdirectory("coreportal-migrate-").FullName;
        var connection = engine == DatabaseEngine.Postgres ? PostgresServer.Shared.CreateEmptyDatabase() : $"Data Source={Path.Combine(folder, "new.db")}";
        try
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "CorePortal.dll"), "migrate" }) start.ArgumentList.Add(arg);
            start.Environment["Database__Provider"] = engine.ToString();
            start.Environment["ConnectionStrings__Core"] = connection;
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development"; // the demo seed is on in Development: migrate must still not seed
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);

            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await output}{await errors}");
            Assert.Contains($"The {engine} database is up to date.", await output, StringComparison.Ordinal);
            var options = new DbContextOptionsBuilder<CoreDbContext>();
            var settings = new DatabaseSettings(engine, connection);
            settings.Configure(options);
            await using var db = settings.CreateContext(options.Options, new WriteGate());
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.Equal(0, await db.Locations.CountAsync());
        }
        finally
        {
            if (engine == DatabaseEngine.Postgres) PostgresServer.Shared.DropDatabase(connection);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
