using CorePortal.Data;
using CorePortal.Features.Clients;
using CorePortal.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Foundation;

/// <summary>Writers in one process queue before SQLite's write lock instead of sleeping in its busy handler.</summary>
public sealed class WriteGateTests : IDisposable
{
    private readonly TestDatabase _database = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_second_writer_waits_until_the_first_commits_then_goes_on()
    {
        await using var first = _database.CreateDbContext();
        await using var second = _database.CreateDbContext();
        await using var write = await first.Database.BeginWriteAsync(Ct);

        var waiting = second.Database.BeginWriteAsync(Ct);
        Assert.False(waiting.IsCompleted);

        await write.CommitAsync(Ct);
        await using var next = await waiting;
        await next.CommitAsync(Ct);
    }

    [Fact]
    public async Task A_writer_that_gives_up_without_committing_lets_the_next_one_in()
    {
        await using var first = _database.CreateDbContext();
        await using var second = _database.CreateDbContext();
        var write = await first.Database.BeginWriteAsync(Ct);
        var waiting = second.Database.BeginWriteAsync(Ct);

        await write.DisposeAsync(); // rolled back, e.g. a refused booking
        await using var next = await waiting;
        await next.CommitAsync(Ct);
    }

    [Fact]
    public async Task A_pooled_connection_first_opened_by_search_still_gets_the_durable_settings_when_EF_opens_it()
    {
        var studio = await new StudioBuilder(_database, FixedClock.At(2026, 11, 23)).WithLocationAsync();
        await studio.ClientAsync("Maya", "Chen");
        SqliteConnection.ClearAllPools();
        Assert.Single((await new ClientSearchService(_database).SearchAsync("maya", ct: Ct)).Rows); // opens the pool's connection without EF

        await using var db = _database.CreateDbContext();
        await db.Database.OpenConnectionAsync(Ct);
        var settings = new List<string>();
        foreach (var pragma in new[] { "busy_timeout", "foreign_keys", "synchronous" })
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = $"PRAGMA {pragma}";
            settings.Add(Convert.ToString(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture)!);
        }

        Assert.Equal(["10000", "1", "2"], settings);
    }

    public void Dispose() => _database.Dispose();
}
