using System.Data.Common;
using CorePortal.Data;
using CorePortal.Features.Credits;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Credits;

/// <summary>
/// The ledger is append-only in the database itself (triggers on each engine), and its running figures chain from row to row.
/// Runs on the test pass's engine: SQLite by default, PostgreSQL with COREPORTAL_TEST_ENGINE=Postgres.
/// </summary>
public sealed class LedgerAppendOnlyTests : IAsyncLifetime
{
    private readonly StudioBuilder _world = new();
    private Purchase _pack = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _world.WithLocationAsync();
        var client = await _world.ClientAsync("Grace", "O'Neill");
        _pack = await _world.SellAsync(client, "10-Class Pack", credits: 10);
        await _world.UseAsync(_pack.Periods[0], 2);
    }

    [Fact]
    public async Task A_raw_update_of_the_ledger_is_refused_by_the_database_and_changes_nothing()
    {
        var before = await LedgerAsync();

        await Assert.ThrowsAnyAsync<DbException>(() => _world.Db.WriteAsync(db => db.Database.ExecuteSqlRawAsync("""UPDATE "Ledger" SET "Amount" = 5""", Ct)));

        Assert.Equal(before, await LedgerAsync());
    }

    [Fact]
    public async Task A_raw_delete_from_the_ledger_is_refused_by_the_database_and_changes_nothing()
    {
        var before = await LedgerAsync();
        var last = before[^1].Id;

        await Assert.ThrowsAnyAsync<DbException>(() => _world.Db.WriteAsync(db => db.Database.ExecuteSqlAsync($"""DELETE FROM "Ledger" WHERE "Id" = {last}""", Ct)));
        await Assert.ThrowsAnyAsync<DbException>(() => _world.Db.WriteAsync(db => db.Database.ExecuteSqlRawAsync(
            db.Engine == DatabaseEngine.Postgres ? """TRUNCATE "Ledger" """ : """DELETE FROM "Ledger" """, Ct)));

        Assert.Equal(before, await LedgerAsync());
    }

    [Fact]
    public async Task A_ledger_written_through_the_services_has_running_figures_that_follow_row_by_row()
    {
        var bookings = await _world.UseAsync(_pack.Periods[0], 2);
        Assert.True((await _world.Bookings.CancelAsync(TestUsers.Staff, bookings[0], ct: Ct)).Succeeded);
        await _world.AdjustAsync(_pack, 0, CreditAction.AddCredits, 3);
        await _world.AdjustAsync(_pack, 0, CreditAction.DeductCredits, 2);
        var unlimited = await _world.SellAsync(await _world.ClientAsync("Ada", "Byrne"), "Unlimited Month", credits: null);
        await _world.UseAsync(unlimited.Periods[0], 2);
        var period = unlimited.Periods[0];
        await using var db = _world.Db.CreateDbContext();
        var version = await db.CreditPeriods.Where(p => p.Id == period.Id).Select(p => p.Version).SingleAsync(Ct);
        Assert.True((await _world.Adjustments.SaveAsync(TestUsers.Staff, new CreditAdjustment(unlimited.Id, [new(period.Id, version)],
            CreditAction.AddCredits, null, EditValidity: true, StartsOn: period.StartsOn, EndsOn: period.EndsOn.AddDays(-3)), Ct)).Succeeded);

        Assert.Equal(6, (await db.Ledger.Select(l => l.Kind).Distinct().ToListAsync(Ct)).Count); // every kind is in the chain
        Assert.Empty(await LedgerAudit.FindStepDisagreementsAsync(db, Ct));
        Assert.Empty(await LedgerAudit.FindDisagreementsAsync(db, Ct));
    }

    [Fact]
    public async Task The_audit_finds_a_hand_inserted_row_whose_running_figures_do_not_follow_from_the_previous_row()
    {
        await using var db = _world.Db.CreateDbContext();
        Assert.Empty(await LedgerAudit.FindStepDisagreementsAsync(db, Ct));
        var period = _pack.Periods[0];
        long id = 0;

        // Used was 2: one more use makes it 3, not 4. Inserting is allowed; only the audit can tell.
        await _world.Db.WriteAsync(async w =>
        {
            var row = new CreditLedgerEntry
            {
                PurchaseId = _pack.Id, PeriodId = period.Id, Kind = LedgerKind.BookingUse, Amount = 1, MaxAfter = 10, UsedAfter = 4,
                Actor = "Console", AtUtc = _world.Clock.GetUtcNow().UtcDateTime,
            };
            w.Ledger.Add(row);
            await w.SaveChangesAsync(Ct);
            id = row.Id;
        });

        var found = Assert.Single(await LedgerAudit.FindStepDisagreementsAsync(db, Ct));
        Assert.Equal(new LedgerStepDisagreement(id, period.Id, LedgerKind.BookingUse, 1, 10, 2, 10, 4), found);
    }

    private async Task<List<(long Id, LedgerKind Kind, int Amount, int? MaxAfter, int UsedAfter)>> LedgerAsync()
    {
        await using var db = _world.Db.CreateDbContext();
        return (await db.Ledger.AsNoTracking().OrderBy(l => l.Id).ToListAsync(Ct)).Select(l => (l.Id, l.Kind, l.Amount, l.MaxAfter, l.UsedAfter)).ToList();
    }

    public ValueTask DisposeAsync()
    {
        _world.Dispose();
        return ValueTask.CompletedTask;
    }
}
