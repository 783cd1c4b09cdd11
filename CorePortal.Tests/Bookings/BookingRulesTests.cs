using CorePortal.Data;
using CorePortal.Features.Common;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Bookings;

/// <summary>Who may book from what, which time frame pays, and what cancel and attendance do to the credit.</summary>
public sealed class BookingRulesTests : IAsyncLifetime
{
    private readonly StudioBuilder _world = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(ShareStatus.Pending)]
    [InlineData(ShareStatus.Declined)]
    [InlineData(ShareStatus.Removed)]
    public async Task A_client_whose_share_is_not_accepted_cannot_book_from_the_package_and_is_not_offered_it(ShareStatus status)
    {
        var owner = await _world.ClientAsync("Maya", "Chen");
        var buddy = await _world.ClientAsync("Ivy", "Chen");
        var pack = await _world.SellAsync(owner, "Family Pack", credits: 20, sharing: true);
        await _world.ShareAsync(pack, buddy, status);
        var session = await _world.SessionAsync("HIIT 45");

        var result = await _world.Bookings.BookAsync(TestUsers.Staff, session.Id, buddy.Id, pack.Id, null, Ct);
        var sources = await _world.Bookings.CreditSourcesAsync(TestUsers.Staff, buddy.Id, session.Id, Ct);

        Assert.Equal(Outcome.Forbidden, result.Outcome);
        Assert.Contains("Ivy Chen may not use Family Pack", result.Message, StringComparison.Ordinal);
        Assert.Empty(sources.Value!);
        await using var db = _world.Db.CreateDbContext();
        Assert.Equal(0, (await db.CreditPeriods.SingleAsync(Ct)).UsedCredits);
        Assert.False(await db.Bookings.AnyAsync(Ct));
    }

    [Fact]
    public async Task A_trainer_is_forbidden_to_book_and_nothing_changes()
    {
        var client = await _world.ClientAsync("Tom", "Becker");
        var pack = await _world.SellAsync(client, "10-Class Pack", credits: 10);
        var session = await _world.SessionAsync("Spin 30");

        var result = await _world.Bookings.BookAsync(TestUsers.Trainer, session.Id, client.Id, pack.Id, null, Ct);

        Assert.Equal(Outcome.Forbidden, result.Outcome);
        await using var db = _world.Db.CreateDbContext();
        Assert.False(await db.Bookings.AnyAsync(Ct));
        Assert.Equal(0, (await db.Sessions.SingleAsync(Ct)).BookedCount);
    }

    [Fact]
    public async Task A_member_books_for_themself_from_a_shared_pack_but_not_for_someone_else()
    {
        var owner = await _world.ClientAsync("Maya", "Chen");
        var buddy = await _world.ClientAsync("Leo", "Chen");
        var pack = await _world.SellAsync(owner, "Family Pack", credits: 20, sharing: true);
        await _world.ShareAsync(pack, buddy, ShareStatus.Accepted);
        var session = await _world.SessionAsync("HIIT 45");

        var forSelf = await _world.Bookings.BookAsync(TestUsers.Member(buddy), session.Id, buddy.Id, pack.Id, null, Ct);
        var forOwner = await _world.Bookings.BookAsync(TestUsers.Member(buddy), session.Id, owner.Id, pack.Id, null, Ct);

        Assert.True(forSelf.Succeeded, forSelf.Message);
        Assert.Equal(19, forSelf.Value!.Remaining);
        Assert.Equal(Outcome.Forbidden, forOwner.Outcome);
        await using var db = _world.Db.CreateDbContext();
        var use = await db.Ledger.SingleAsync(l => l.Kind == LedgerKind.BookingUse, Ct);
        Assert.Equal("Leo Chen", use.Actor);
        Assert.Contains("used by Leo Chen", use.Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credit_sources_offer_own_and_accepted_shared_packs_valid_on_the_session_date_earliest_expiring_first()
    {
        var owner = await _world.ClientAsync("Maya", "Chen");
        var buddy = await _world.ClientAsync("Leo", "Chen");
        var family = await _world.SellAsync(owner, "Family Pack", credits: 20, validityDays: 20, sharing: true);
        await _world.ShareAsync(family, buddy, ShareStatus.Accepted);
        var own = await _world.SellAsync(buddy, "10-Class Pack", credits: 10, validityDays: 90);
        await _world.SellAsync(buddy, "Expired Pack", credits: 10, validityDays: 5);
        var empty = await _world.SellAsync(buddy, "Used-up Pack", credits: 1, validityDays: 60);
        var unlimited = await _world.SellAsync(buddy, "Unlimited Monthly", credits: null, kind: CatalogKind.Membership, periodCount: 3);
        var session = await _world.SessionAsync("HIIT 45", dayOffset: 3);
        Assert.True((await _world.Bookings.BookAsync(TestUsers.Staff, (await _world.SessionAsync("Earlier", dayOffset: 1)).Id, buddy.Id, empty.Id, null, Ct)).Succeeded);

        var sources = (await _world.Bookings.CreditSourcesAsync(TestUsers.Staff, buddy.Id, session.Id, Ct)).Value!;

        Assert.Equal(["Family Pack", "Unlimited Monthly", "10-Class Pack"], sources.Select(s => s.PurchaseName));
        Assert.Equal((true, "Maya Chen", (int?)20), (sources[0].IsShared, sources[0].OwnerName, sources[0].Remaining));
        Assert.Null(sources[1].Remaining);
        Assert.Equal(own.Id, sources[2].PurchaseId);
        Assert.Equal(unlimited.Periods[0].Id, sources[1].PeriodId);
    }

    [Fact]
    public async Task A_membership_booking_takes_the_credit_from_the_month_that_contains_the_session_date()
    {
        var client = await _world.ClientAsync("Daniel", "Okafor");
        var membership = await _world.SellAsync(client, "Monthly 8", credits: 8, kind: CatalogKind.Membership, periodCount: 3, startsOn: _world.Today.AddDays(-5));
        var nextMonth = await _world.SessionAsync("Spin 30", dayOffset: 40);

        var result = await _world.Bookings.BookAsync(TestUsers.Staff, nextMonth.Id, client.Id, membership.Id, null, Ct);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(membership.Periods[1].Id, result.Value!.PeriodId);
        await using var db = _world.Db.CreateDbContext();
        var used = await db.CreditPeriods.OrderBy(p => p.StartsOn).Select(p => p.UsedCredits).ToListAsync(Ct);
        Assert.Equal([0, 1, 0], used);
    }

    [Fact]
    public async Task An_unlimited_membership_records_the_use_without_a_maximum()
    {
        var client = await _world.ClientAsync("Sofia", "Martinez");
        var unlimited = await _world.SellAsync(client, "Unlimited Monthly", credits: null, kind: CatalogKind.Membership);

        var result = await _world.Bookings.BookAsync(TestUsers.Staff, (await _world.SessionAsync("HIIT 45")).Id, client.Id, unlimited.Id, null, Ct);

        Assert.True(result.Succeeded, result.Message);
        Assert.Null(result.Value!.Remaining);
        await using var db = _world.Db.CreateDbContext();
        var use = await db.Ledger.SingleAsync(l => l.Kind == LedgerKind.BookingUse, Ct);
        Assert.Equal((null, 1), (use.MaxAfter, use.UsedAfter));
    }

    [Fact]
    public async Task A_session_outside_the_package_validity_is_refused_with_a_clear_message()
    {
        var client = await _world.ClientAsync("Kenji", "Watanabe");
        var pack = await _world.SellAsync(client, "10-Class Pack", credits: 10, validityDays: 20);

        var result = await _world.Bookings.BookAsync(TestUsers.Staff, (await _world.SessionAsync("Strength Lab", dayOffset: 30)).Id, client.Id, pack.Id, null, Ct);

        Assert.Equal(Outcome.Conflict, result.Outcome);
        Assert.StartsWith("10-Class Pack is not valid on Strength Lab", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_refunds_the_credit_to_the_same_period_and_frees_the_place_while_attended_and_no_show_keep_it()
    {
        var client = await _world.ClientAsync("Priya", "Natarajan");
        var pack = await _world.SellAsync(client, "10-Class Pack", credits: 10);
        var sessions = await StudioBuilder.InTurnAsync(Enumerable.Range(1, 3), i => _world.SessionAsync($"Class {i}", dayOffset: i, capacity: 1));
        var ids = new List<int>();
        foreach (var s in sessions)
            ids.Add((await _world.Bookings.BookAsync(TestUsers.Staff, s.Id, client.Id, pack.Id, null, Ct)).Value!.BookingId);

        Assert.True((await _world.Bookings.CancelAsync(TestUsers.Staff, ids[0], ct: Ct)).Succeeded);
        Assert.True((await _world.Bookings.MarkAttendedAsync(TestUsers.Staff, ids[1], Ct)).Succeeded);
        Assert.True((await _world.Bookings.MarkNoShowAsync(TestUsers.Staff, ids[2], Ct)).Succeeded);
        var cancelAgain = await _world.Bookings.CancelAsync(TestUsers.Staff, ids[0], ct: Ct);
        var attendCancelled = await _world.Bookings.MarkAttendedAsync(TestUsers.Staff, ids[0], Ct);
        var trainerMarks = await _world.Bookings.MarkAttendedAsync(TestUsers.Trainer, ids[2], Ct);

        Assert.Equal(Outcome.Conflict, cancelAgain.Outcome);
        Assert.Equal(Outcome.Conflict, attendCancelled.Outcome);
        Assert.Equal(Outcome.Forbidden, trainerMarks.Outcome);
        await using var db = _world.Db.CreateDbContext();
        Assert.Equal(8, (await db.CreditPeriods.SingleAsync(Ct)).Remaining);
        Assert.Equal([0, 1, 1], await db.Sessions.OrderBy(s => s.StartsAt).Select(s => s.BookedCount).ToListAsync(Ct));
        var refund = await db.Ledger.SingleAsync(l => l.Kind == LedgerKind.CancellationRefund, Ct);
        Assert.Equal((-1, ids[0], 2), (refund.Amount, refund.BookingId, refund.UsedAfter));
        // The place is free again: the client can rebook the cancelled session.
        Assert.True((await _world.Bookings.BookAsync(TestUsers.Staff, sessions[0].Id, client.Id, pack.Id, null, Ct)).Succeeded);
    }

    public async ValueTask InitializeAsync() => await _world.WithLocationAsync();

    public ValueTask DisposeAsync()
    {
        _world.Dispose();
        return ValueTask.CompletedTask;
    }
}
