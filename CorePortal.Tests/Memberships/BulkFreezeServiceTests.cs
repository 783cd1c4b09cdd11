using CorePortal.Data;
using CorePortal.Features.Common;
using CorePortal.Features.Credits;
using CorePortal.Features.Memberships;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Memberships;

/// <summary>
/// Bulk freezes: Downtown closes for the week of 11–17 January 2027 (today is 5 January). Maya has a 10-class pack (extends),
/// Leo a monthly membership of 8 (prorates by default), both at Downtown; Ivy's pack is at Uptown.
/// </summary>
public sealed class BulkFreezeServiceTests : IAsyncLifetime, IDisposable
{
    private static readonly DateOnly Jan1 = new(2027, 1, 1);
    private readonly StudioBuilder _studio = new(FixedClock.At(2027, 1, 5));
    private Location _downtown = null!;
    private int _monthlyItem;
    private Purchase _pack = null!;
    private Purchase _monthly = null!;
    private Purchase _uptownPack = null!;
    private int _bookingId;

    public async ValueTask InitializeAsync()
    {
        await _studio.WithLocationAsync("Downtown");
        _downtown = _studio.Location;
        var maya = await _studio.ClientAsync("Maya", "Chen");
        var leo = await _studio.ClientAsync("Leo", "Chen");
        var packItem = await _studio.PackageAsync("10-Class Pack", 10, validityDays: 90);
        await _studio.FreezeRulesAsync(packItem);
        _monthlyItem = await _studio.MembershipAsync("Monthly 8", 8, PeriodUnit.Month, 3);
        await _studio.FreezeRulesAsync(_monthlyItem, mode: FreezeMode.Prorate);
        _pack = await _studio.SellAsync(packItem, maya, Jan1);
        _monthly = await _studio.SellAsync(_monthlyItem, leo, Jan1);
        _bookingId = (await _studio.BookAsync(await _studio.SessionAsync("Yoga", 7), maya, _pack)).BookingId; // 12 January
        await _studio.WithLocationAsync("Uptown");
        var uptownItem = await _studio.PackageAsync("Uptown Pack", 5);
        await _studio.FreezeRulesAsync(uptownItem);
        _uptownPack = await _studio.SellAsync(uptownItem, await _studio.ClientAsync("Ivy", "Park"), Jan1);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public void Dispose() => _studio.Dispose();

    private BulkFreezeInput Week(string? overrideNote = null) =>
        new(new(2027, 1, 11), new(2027, 1, 17), null, BulkScope.Location, _downtown.Id, Note: "Downtown closed for renovation", OverrideNote: overrideNote);

    private async Task<T> QueryAsync<T>(Func<CoreDbContext, Task<T>> query)
    {
        await using var db = await _studio.Db.CreateDbContextAsync();
        return await query(db);
    }

    private Task<List<CreditPeriod>> PeriodsAsync() =>
        QueryAsync(db => db.CreditPeriods.AsNoTracking().OrderBy(p => p.PurchaseId).ThenBy(p => p.Sequence).ToListAsync());

    private async Task AssertLedgerAgreesAsync()
    {
        await using var db = await _studio.Db.CreateDbContextAsync();
        Assert.Empty(await LedgerAudit.FindStepDisagreementsAsync(db));
        Assert.Empty(await LedgerAudit.FindDisagreementsAsync(db));
    }

    private static T Ok<T>(ServiceResult<T> result)
    {
        Assert.True(result.Succeeded, result.Message);
        return result.Value!;
    }

    [Fact]
    public async Task A_week_at_one_location_previews_counts_then_freezes_every_purchase_there_and_undoes_as_one()
    {
        var before = await PeriodsAsync();

        var preview = Ok(await _studio.BulkFreezes.PreviewAsync(TestUsers.Manager, Week()));
        var applied = Ok(await _studio.BulkFreezes.ApplyAsync(TestUsers.Manager, Week()));

        // The pack moves (1 period), Leo's January is prorated: 24 of 31 days active, 8 × 24 / 31 = 6.19 → 6 (2 forfeited).
        Assert.Equal((2, 2, 2, 1, 0), (preview.Purchases, preview.PeriodsChanged, preview.CreditsForfeited, preview.BookingsAffected, preview.Refused));
        Assert.Equal("All active at Downtown", preview.Scope);
        Assert.Equal((preview.Purchases, preview.PeriodsChanged, preview.CreditsForfeited, preview.BookingsAffected),
            (applied.Purchases, applied.PeriodsChanged, applied.CreditsForfeited, applied.BookingsAffected));
        Assert.Equal(BookingChoice.Cancel, Assert.Single(applied.Lines.SelectMany(l => l.Plan!.Decisions)).Choice);
        var frozen = await PeriodsAsync();
        Assert.Equal(before.Single(p => p.PurchaseId == _pack.Id).EndsOn.AddDays(7), frozen.Single(p => p.PurchaseId == _pack.Id).EndsOn);
        Assert.Equal(6, frozen.First(p => p.PurchaseId == _monthly.Id).MaxCredits);
        Assert.Equal(before.Single(p => p.PurchaseId == _uptownPack.Id).EndsOn, frozen.Single(p => p.PurchaseId == _uptownPack.Id).EndsOn);
        Assert.Equal(BookingStatus.Cancelled, await QueryAsync(db => db.Bookings.Where(b => b.Id == _bookingId).Select(b => b.Status).SingleAsync()));
        Assert.Equal(2, await QueryAsync(db => db.Freezes.CountAsync(f => f.BulkFreezeId == applied.BulkFreezeId)));
        await AssertLedgerAgreesAsync();

        var undone = Ok(await _studio.BulkFreezes.UndoAsync(TestUsers.Manager, applied.BulkFreezeId!.Value));
        var again = await _studio.BulkFreezes.UndoAsync(TestUsers.Manager, applied.BulkFreezeId!.Value);

        Assert.Equal(2, undone.Purchases);
        var after = await PeriodsAsync();
        Assert.Equal(before.Select(p => (p.Id, p.StartsOn, p.EndsOn, p.MaxCredits)), after.Select(p => (p.Id, p.StartsOn, p.EndsOn, p.MaxCredits)));
        Assert.All(await QueryAsync(db => db.Freezes.ToListAsync()), f => Assert.Equal(FreezeStatus.Undone, f.Status));
        Assert.Equal(Outcome.Conflict, again.Outcome);
        var listed = Ok(await _studio.BulkFreezes.ListAsync(TestUsers.Manager)).Single();
        Assert.Equal(("All active at Downtown, each item's default mode", 2), (listed.Scope, listed.Freezes));
        Assert.NotNull(listed.UndoneAtUtc);
        await AssertLedgerAgreesAsync();
    }

    [Fact]
    public async Task One_purchase_the_rules_refuse_fails_the_whole_apply_unless_the_manager_overrides_with_a_note()
    {
        await _studio.FreezeRulesAsync(_monthlyItem, allow: false, mode: FreezeMode.Prorate);
        var ledgerRows = await QueryAsync(db => db.Ledger.CountAsync());

        var preview = Ok(await _studio.BulkFreezes.PreviewAsync(TestUsers.Manager, Week()));
        var refused = await _studio.BulkFreezes.ApplyAsync(TestUsers.Manager, Week());

        Assert.Equal(1, preview.BreakingRules);
        Assert.Contains("override note", preview.Lines.Single(l => l.PurchaseId == _monthly.Id).Refusal);
        Assert.False(refused.Succeeded);
        Assert.Contains("Nothing was frozen", refused.Message);
        Assert.Equal(0, await QueryAsync(db => db.Freezes.CountAsync()));
        Assert.Equal(0, await QueryAsync(db => db.BulkFreezes.CountAsync()));
        Assert.Equal(ledgerRows, await QueryAsync(db => db.Ledger.CountAsync()));
        Assert.Equal(BookingStatus.Booked, await QueryAsync(db => db.Bookings.Where(b => b.Id == _bookingId).Select(b => b.Status).SingleAsync()));

        Ok(await _studio.BulkFreezes.ApplyAsync(TestUsers.Manager, Week("Studio closed: every member is held")));
        Assert.Equal(2, await QueryAsync(db => db.Freezes.CountAsync()));
        await AssertLedgerAgreesAsync();
    }

    [Fact]
    public async Task Staff_cannot_freeze_in_bulk_and_an_undo_is_refused_once_a_freeze_of_it_was_ended_early()
    {
        Assert.Equal(Outcome.Forbidden, (await _studio.BulkFreezes.PreviewAsync(TestUsers.Staff, Week())).Outcome);
        var applied = Ok(await _studio.BulkFreezes.ApplyAsync(TestUsers.Manager, Week()));
        var freezeId = await QueryAsync(db => db.Freezes.Where(f => f.PurchaseId == _pack.Id).Select(f => f.Id).SingleAsync());
        _studio.Clock.Now = _studio.Clock.Now.AddDays(8); // 13 January
        Ok(await _studio.Freezes.EndAsync(TestUsers.Staff, _pack.Id, freezeId, new()));

        var undo = await _studio.BulkFreezes.UndoAsync(TestUsers.Manager, applied.BulkFreezeId!.Value);

        Assert.Equal(Outcome.Conflict, undo.Outcome);
        Assert.Contains("was ended early", undo.Message);
        Assert.Equal(2, await QueryAsync(db => db.Freezes.CountAsync(f => f.Status == FreezeStatus.Active)));
        await AssertLedgerAgreesAsync();
    }
}
