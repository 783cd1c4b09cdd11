using CorePortal.Data;
using CorePortal.Features.Bookings;
using CorePortal.Features.Common;
using CorePortal.Features.Credits;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Bookings;

/// <summary>The waitlist: joining reserves a source and spends nothing; a freed place goes to the first who still has a credit.</summary>
public sealed class WaitlistTests : IAsyncLifetime
{
    private readonly StudioBuilder _world = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Joining_a_full_session_reserves_the_earliest_expiring_usable_purchase_and_spends_nothing()
    {
        var (session, _) = await FullSessionAsync(capacity: 1, waitlistSize: 5);
        var ana = await _world.ClientAsync("Ana", "Silva");
        var later = await _world.SellAsync(ana, "Later Pack", credits: 5, validityDays: 120);
        var sooner = await _world.SellAsync(ana, "Sooner Pack", credits: 5, validityDays: 30);

        var row = await _world.JoinWaitlistAsync(session, ana);

        Assert.Equal(1, row.Position);
        Assert.Equal(sooner.Id, row.PurchaseId);
        await using var db = _world.Db.CreateDbContext();
        Assert.Equal(0, await db.CreditPeriods.Where(p => p.PurchaseId == sooner.Id || p.PurchaseId == later.Id).SumAsync(p => p.UsedCredits, Ct));
        Assert.Equal(0, await db.Ledger.CountAsync(l => l.PurchaseId == sooner.Id && l.Kind == LedgerKind.BookingUse, Ct));
    }

    [Fact]
    public async Task Joining_is_refused_with_free_places_without_a_waitlist_when_the_list_is_full_when_booked_or_waiting_and_after_the_cutoff()
    {
        var ana = await ClientWithPackAsync("Ana");
        var open = await _world.SessionAsync("Open Yoga", capacity: 3, waitlistSize: 5);
        Assert.Equal("Open Yoga on Tue 3 Mar 07:00 has a free place: book it instead.", (await JoinAsync(open, ana)).Message);

        var (noList, _) = await FullSessionAsync(capacity: 1, waitlistSize: 0, name: "No List");
        Assert.Equal("No List on Tue 3 Mar 07:00 has no waitlist.", (await JoinAsync(noList, ana)).Message);

        var (small, booked) = await FullSessionAsync(capacity: 1, waitlistSize: 1, name: "Small");
        Assert.Equal(Outcome.Conflict, (await JoinAsync(small, booked)).Outcome); // already booked
        Assert.True((await JoinAsync(small, ana)).Succeeded);
        Assert.Equal($"Ana Silva is already on the waitlist of Small on Tue 3 Mar 07:00.", (await JoinAsync(small, ana)).Message);
        var ben = await ClientWithPackAsync("Ben");
        Assert.Equal("The waitlist of Small on Tue 3 Mar 07:00 is full.", (await JoinAsync(small, ben)).Message);

        var (soon, _) = await FullSessionAsync(capacity: 1, waitlistSize: 5, name: "Soon", dayOffset: 0, at: new TimeOnly(11, 30));
        Assert.Equal("The waitlist of Soon on Mon 2 Mar 11:30 closed 2 hours before the start.", (await JoinAsync(soon, ben)).Message);
    }

    [Fact]
    public async Task Joining_with_a_purchase_the_client_cannot_use_is_invalid_and_writes_nothing()
    {
        var (session, _) = await FullSessionAsync(capacity: 1, waitlistSize: 5);
        var ana = await ClientWithPackAsync("Ana");
        var other = await _world.ClientAsync("Ola", "Berg");
        var notHers = await _world.SellAsync(other, "Ola's Pack", credits: 5);
        var empty = await _world.SellAsync(ana, "Empty Pack", credits: 1);
        await _world.UseAsync((await _world.PurchaseAsync(empty.Id)).Periods.First(), 1);

        var result = await _world.Waitlist.JoinAsync(TestUsers.Staff, session.Id, new WaitlistJoin(ana.Id, notHers.Id), Ct);
        var spent = await _world.Waitlist.JoinAsync(TestUsers.Staff, session.Id, new WaitlistJoin(ana.Id, empty.Id), Ct);

        Assert.Equal(Outcome.Invalid, result.Outcome);
        Assert.Contains(WaitlistService.PurchaseField, result.Errors.Keys);
        Assert.Equal(Outcome.Invalid, spent.Outcome);
        await using var db = _world.Db.CreateDbContext();
        Assert.False(await db.WaitlistEntries.AnyAsync(Ct));
    }

    [Fact]
    public async Task Leaving_takes_the_client_off_and_moves_the_others_up_and_a_member_cannot_remove_someone_else()
    {
        var (session, _) = await FullSessionAsync(capacity: 1, waitlistSize: 5);
        var ana = await ClientWithPackAsync("Ana");
        var ben = await ClientWithPackAsync("Ben");
        var first = await _world.JoinWaitlistAsync(session, ana);
        await _world.JoinWaitlistAsync(session, ben);

        var byBen = await _world.Waitlist.LeaveAsync(TestUsers.Member(ben), session.Id, first.EntryId, Ct);
        var left = await _world.Waitlist.LeaveAsync(TestUsers.Member(ana), session.Id, first.EntryId, Ct);
        var again = await _world.Waitlist.LeaveAsync(TestUsers.Staff, session.Id, first.EntryId, Ct);

        Assert.Equal(Outcome.Forbidden, byBen.Outcome);
        Assert.True(left.Succeeded);
        Assert.Equal(Outcome.Conflict, again.Outcome);
        var list = (await _world.Waitlist.ListAsync(TestUsers.Staff, session.Id, Ct)).Value!;
        Assert.Equal(["Ben Silva"], list.Select(r => r.ClientName));
        Assert.Equal(1, list[0].Position);
        // A member sees their own place only.
        Assert.Empty((await _world.Waitlist.ListAsync(TestUsers.Member(ana), session.Id, Ct)).Value!);
        Assert.Single((await _world.Waitlist.ListAsync(TestUsers.Member(ben), session.Id, Ct)).Value!);
    }

    [Fact]
    public async Task A_cancellation_promotes_the_first_waiting_client_books_them_from_the_reserved_source_and_notifies_them()
    {
        var (session, booked) = await FullSessionAsync(capacity: 1, waitlistSize: 5);
        var ana = await ClientWithPackAsync("Ana");
        var ben = await ClientWithPackAsync("Ben");
        var anaEntry = await _world.JoinWaitlistAsync(session, ana);
        await _world.JoinWaitlistAsync(session, ben);

        await CancelBookingOfAsync(session, booked);

        await using var db = _world.Db.CreateDbContext();
        var entry = await db.WaitlistEntries.AsNoTracking().SingleAsync(w => w.Id == anaEntry.EntryId, Ct);
        Assert.Equal(WaitlistStatus.Promoted, entry.Status);
        var booking = await db.Bookings.AsNoTracking().SingleAsync(b => b.Id == entry.BookingId, Ct);
        Assert.Equal((ana.Id, anaEntry.PurchaseId, BookingStatus.Booked, true), (booking.ClientId, booking.PurchaseId, booking.Status, booking.UsesCredit));
        Assert.Equal(1, (await db.Sessions.SingleAsync(s => s.Id == session.Id, Ct)).BookedCount);
        Assert.Equal(WaitlistStatus.Waiting, (await db.WaitlistEntries.SingleAsync(w => w.ClientId == ben.Id, Ct)).Status);
        Assert.StartsWith("You're in:", (await db.Notifications.SingleAsync(n => n.ClientId == ana.Id, Ct)).Text, StringComparison.Ordinal);
        Assert.StartsWith("You're in:", (await db.Outbox.SingleAsync(m => m.ClientId == ana.Id, Ct)).Subject, StringComparison.Ordinal);
        Assert.Equal("Waitlist", (await db.Ledger.SingleAsync(l => l.BookingId == booking.Id, Ct)).Actor);
        await AssertLedgerAgreesAsync(db);
    }

    [Fact]
    public async Task A_reserved_source_spent_meanwhile_is_replaced_by_another_usable_one_else_the_client_is_skipped()
    {
        var (session, booked) = await FullSessionAsync(capacity: 1, waitlistSize: 5);
        var ana = await _world.ClientAsync("Ana", "Silva");
        var reserved = await _world.SellAsync(ana, "One Class", credits: 1, validityDays: 20);
        var spare = await _world.SellAsync(ana, "Spare Pack", credits: 5, validityDays: 120);
        var ben = await _world.ClientAsync("Ben", "Silva");
        var bens = await _world.SellAsync(ben, "Ben's One Class", credits: 1);
        var cleo = await ClientWithPackAsync("Cleo");
        Assert.Equal(reserved.Id, (await _world.JoinWaitlistAsync(session, ana)).PurchaseId);
        await _world.JoinWaitlistAsync(session, ben);
        await _world.JoinWaitlistAsync(session, cleo);
        await _world.UseAsync((await _world.PurchaseAsync(reserved.Id)).Periods.First(), 1);
        await _world.UseAsync((await _world.PurchaseAsync(bens.Id)).Periods.First(), 1);

        await CancelBookingOfAsync(session, booked);

        await using var db = _world.Db.CreateDbContext();
        var promoted = await db.Bookings.AsNoTracking().SingleAsync(b => b.SessionId == session.Id && b.Status == BookingStatus.Booked, Ct);
        Assert.Equal((ana.Id, spare.Id), (promoted.ClientId, promoted.PurchaseId));
        Assert.Equal(WaitlistStatus.Waiting, (await db.WaitlistEntries.SingleAsync(w => w.ClientId == ben.Id, Ct)).Status);

        // The next place: Ben has no credit left anywhere, so he is skipped and Cleo gets it.
        await CancelBookingOfAsync(session, ana);
        var benEntry = await db.WaitlistEntries.AsNoTracking().SingleAsync(w => w.ClientId == ben.Id, Ct);
        Assert.Equal(WaitlistStatus.Skipped, benEntry.Status);
        Assert.Equal("Ben Silva had no credit left for Yoga Flow on Tue 3 Mar 07:00 when a place freed.", benEntry.Reason);
        Assert.Equal(WaitlistStatus.Promoted, (await db.WaitlistEntries.SingleAsync(w => w.ClientId == cleo.Id, Ct)).Status);
        await AssertLedgerAgreesAsync(db);
    }

    [Fact]
    public async Task A_client_booked_into_an_overlapping_session_is_skipped()
    {
        var (session, booked) = await FullSessionAsync(capacity: 1, waitlistSize: 5);
        var ana = await ClientWithPackAsync("Ana");
        var ben = await ClientWithPackAsync("Ben");
        await _world.JoinWaitlistAsync(session, ana);
        await _world.JoinWaitlistAsync(session, ben);
        // 07:30 for 45 minutes overlaps the 07:00 class (45 minutes).
        await _world.BookAsync(await _world.SessionAsync("Spin", at: new TimeOnly(7, 30)), ana, await SourceOfAsync(ana));

        await CancelBookingOfAsync(session, booked);

        await using var db = _world.Db.CreateDbContext();
        var skipped = await db.WaitlistEntries.AsNoTracking().SingleAsync(w => w.ClientId == ana.Id, Ct);
        Assert.Equal(WaitlistStatus.Skipped, skipped.Status);
        Assert.Equal("Ana Silva is booked into Spin on Tue 3 Mar 07:30, which overlaps.", skipped.Reason);
        Assert.Equal(WaitlistStatus.Promoted, (await db.WaitlistEntries.SingleAsync(w => w.ClientId == ben.Id, Ct)).Status);
    }

    [Fact]
    public async Task Cancelling_a_purchase_that_cancels_a_booking_promotes_the_first_waiting_client()
    {
        var (session, booked) = await FullSessionAsync(capacity: 1, waitlistSize: 5);
        var ana = await ClientWithPackAsync("Ana");
        await _world.JoinWaitlistAsync(session, ana);
        var pack = await SourceOfAsync(booked);

        var cancelled = await _world.Cancellations.CancelAsync(TestUsers.Staff, pack.Id,
            new CorePortal.Features.Memberships.CancellationRequest(CorePortal.Features.Memberships.CancelEffective.Now, "Moving away"), Ct);

        Assert.True(cancelled.Succeeded, cancelled.Message);
        await using var db = _world.Db.CreateDbContext();
        Assert.Equal(WaitlistStatus.Promoted, (await db.WaitlistEntries.SingleAsync(w => w.ClientId == ana.Id, Ct)).Status);
        Assert.Equal(1, (await db.Sessions.SingleAsync(s => s.Id == session.Id, Ct)).BookedCount);
        await AssertLedgerAgreesAsync(db);
    }

    [Fact]
    public async Task After_the_cutoff_a_freed_place_promotes_nobody_and_the_list_closes_there_and_by_the_sweep()
    {
        var (session, booked) = await FullSessionAsync(capacity: 1, waitlistSize: 5, dayOffset: 0, at: new TimeOnly(14, 0));
        var (untouched, _) = await FullSessionAsync(capacity: 1, waitlistSize: 5, name: "Spin", dayOffset: 0, at: new TimeOnly(14, 0));
        var ana = await ClientWithPackAsync("Ana");
        var ben = await ClientWithPackAsync("Ben");
        await _world.JoinWaitlistAsync(session, ana);
        await _world.JoinWaitlistAsync(untouched, ben);
        _world.Clock.Now = _world.Clock.Now.AddHours(2.5); // 12:30: an hour and a half before the start

        await CancelBookingOfAsync(session, booked);

        await using var db = _world.Db.CreateDbContext();
        Assert.Equal(0, (await db.Sessions.SingleAsync(s => s.Id == session.Id, Ct)).BookedCount);
        Assert.Equal(WaitlistStatus.Closed, (await db.WaitlistEntries.AsNoTracking().SingleAsync(w => w.ClientId == ana.Id, Ct)).Status);
        Assert.Equal(WaitlistStatus.Waiting, (await db.WaitlistEntries.AsNoTracking().SingleAsync(w => w.ClientId == ben.Id, Ct)).Status);
        await _world.WaitlistJob.RunOnceAsync(Ct);
        var entries = await db.WaitlistEntries.AsNoTracking().ToListAsync(Ct);
        Assert.All(entries, e => Assert.Equal((WaitlistStatus.Closed, "The list closed 2 hours before the start."), (e.Status, e.Reason)));
    }

    [Fact]
    public async Task The_sweep_promotes_into_a_place_that_freed_without_a_promotion()
    {
        var (session, _) = await FullSessionAsync(capacity: 1, waitlistSize: 5);
        var ana = await ClientWithPackAsync("Ana");
        await _world.JoinWaitlistAsync(session, ana);
        // The place frees and the server stops before promoting: the session has room and Ana still waits.
        await using (var db = _world.Db.CreateDbContext())
        await using (var tx = await db.BeginWriteAsync(Ct))
        {
            await db.Sessions.Where(s => s.Id == session.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.Capacity, 2), Ct);
            await tx.CommitAsync(Ct);
        }

        Assert.Equal(1, await _world.WaitlistJob.RunOnceAsync(Ct));

        await using var after = _world.Db.CreateDbContext();
        Assert.Equal(WaitlistStatus.Promoted, (await after.WaitlistEntries.SingleAsync(Ct)).Status);
        Assert.Equal(2, (await after.Sessions.SingleAsync(s => s.Id == session.Id, Ct)).BookedCount);
        await AssertLedgerAgreesAsync(after);
    }

    [Fact]
    public async Task Twenty_simultaneous_cancellations_of_a_full_class_promote_exactly_the_first_twenty_of_thirty_waiting()
    {
        var session = await _world.SessionAsync("Yoga Flow", capacity: 20, waitlistSize: 30);
        await _world.ClientsNamedAsync("Booked", "Lee", 20);
        await _world.ClientsNamedAsync("Waiting", "Kim", 30);
        await using var db = _world.Db.CreateDbContext();
        var bookedClients = await db.Clients.AsNoTracking().Where(c => c.FirstName == "Booked").OrderBy(c => c.Id).ToListAsync(Ct);
        var waitingClients = await db.Clients.AsNoTracking().Where(c => c.FirstName == "Waiting").OrderBy(c => c.Id).ToListAsync(Ct);
        foreach (var c in bookedClients) await _world.BookAsync(session, c, await _world.SellAsync(c, "10-Class Pack", credits: 10));
        var order = new List<int>();
        foreach (var c in waitingClients)
        {
            await _world.SellAsync(c, "10-Class Pack", credits: 10);
            order.Add((await _world.JoinWaitlistAsync(session, c)).EntryId);
        }
        var bookingIds = await db.Bookings.Where(b => b.SessionId == session.Id).Select(b => b.Id).ToListAsync(Ct);

        var results = await AllAtOnce.RunAsync(bookingIds.Select(id => (Func<Task<ServiceResult>>)(() => _world.Bookings.CancelAsync(TestUsers.Staff, id, ct: Ct))));
        await _world.WaitlistJob.RunOnceAsync(Ct); // nothing left to do: every place was filled at once

        Assert.All(results, r => Assert.True(r.Succeeded, r.Message));
        Assert.Equal(20, (await db.Sessions.AsNoTracking().SingleAsync(s => s.Id == session.Id, Ct)).BookedCount);
        Assert.Equal(20, await db.Bookings.CountAsync(b => b.SessionId == session.Id && b.Status == BookingStatus.Booked, Ct));
        var promoted = await db.WaitlistEntries.AsNoTracking().Where(w => w.Status == WaitlistStatus.Promoted).Select(w => w.Id).ToListAsync(Ct);
        Assert.Equal(order.Take(20).Order(), promoted.Order());
        Assert.Equal(10, await db.WaitlistEntries.CountAsync(w => w.Status == WaitlistStatus.Waiting, Ct));
        Assert.Equal(20, await db.CreditPeriods.SumAsync(p => p.UsedCredits, Ct));
        await AssertLedgerAgreesAsync(db);
    }

    [Fact]
    public async Task A_promotion_racing_a_direct_booking_for_the_last_place_fills_it_once()
    {
        var (session, booked) = await FullSessionAsync(capacity: 1, waitlistSize: 5);
        var ana = await ClientWithPackAsync("Ana");
        var walkIn = await ClientWithPackAsync("Walk");
        await _world.JoinWaitlistAsync(session, ana);
        int bookingId;
        await using (var db = _world.Db.CreateDbContext())
            bookingId = await db.Bookings.Where(b => b.ClientId == booked.Id).Select(b => b.Id).SingleAsync(Ct);
        var walkInPack = await SourceOfAsync(walkIn);

        var results = await AllAtOnce.RunAsync(
            async Task<ServiceResult> () => await _world.Bookings.CancelAsync(TestUsers.Staff, bookingId, ct: Ct),
            async Task<ServiceResult> () => await _world.Bookings.BookAsync(TestUsers.Staff, session.Id, walkIn.Id, walkInPack.Id, null, Ct));

        Assert.True(results[0].Succeeded);
        await using var after = _world.Db.CreateDbContext();
        var live = await after.Bookings.AsNoTracking().Where(b => b.SessionId == session.Id && b.Status == BookingStatus.Booked).ToListAsync(Ct);
        Assert.Single(live);
        Assert.Equal(1, (await after.Sessions.SingleAsync(s => s.Id == session.Id, Ct)).BookedCount);
        var entry = await after.WaitlistEntries.AsNoTracking().SingleAsync(Ct);
        // Whoever won, the other did not get in: the walk-in's booking succeeded exactly when Ana is still waiting.
        Assert.Equal(results[1].Succeeded, entry.Status == WaitlistStatus.Waiting);
        Assert.Equal(live[0].ClientId == ana.Id, entry.Status == WaitlistStatus.Promoted);
        Assert.Equal(1, await after.CreditPeriods.SumAsync(p => p.UsedCredits, Ct)); // the cancelled booking's credit came back
        await AssertLedgerAgreesAsync(after);
    }

    private async Task<(Session Session, Client Booked)> FullSessionAsync(int capacity, int waitlistSize, string name = "Yoga Flow", int dayOffset = 1, TimeOnly? at = null)
    {
        var session = await _world.SessionAsync(name, dayOffset: dayOffset, capacity: capacity, at: at, waitlistSize: waitlistSize);
        Client first = null!;
        for (var i = 0; i < capacity; i++)
        {
            var c = await _world.ClientAsync($"Full{name.Replace(" ", "", StringComparison.Ordinal)}{i}", "Lee");
            first ??= c;
            await _world.BookAsync(session, c, await _world.SellAsync(c, "10-Class Pack", credits: 10));
        }
        return (session, first);
    }

    private async Task<Client> ClientWithPackAsync(string first)
    {
        var client = await _world.ClientAsync(first, "Silva");
        await _world.SellAsync(client, $"{first}'s Pack", credits: 10);
        return client;
    }

    private async Task<Purchase> SourceOfAsync(Client client)
    {
        await using var db = _world.Db.CreateDbContext();
        return await db.Purchases.AsNoTracking().FirstAsync(p => p.OwnerClientId == client.Id, Ct);
    }

    private Task<ServiceResult<WaitlistRow>> JoinAsync(Session session, Client client) =>
        _world.Waitlist.JoinAsync(TestUsers.Staff, session.Id, new WaitlistJoin(client.Id), Ct);

    private async Task CancelBookingOfAsync(Session session, Client client)
    {
        await using var db = _world.Db.CreateDbContext();
        var id = await db.Bookings.Where(b => b.SessionId == session.Id && b.ClientId == client.Id && b.Status == BookingStatus.Booked).Select(b => b.Id).SingleAsync(Ct);
        var result = await _world.Bookings.CancelAsync(TestUsers.Staff, id, ct: Ct);
        Assert.True(result.Succeeded, result.Message);
    }

    private static async Task AssertLedgerAgreesAsync(CoreDbContext db)
    {
        Assert.Empty(await LedgerAudit.FindStepDisagreementsAsync(db, Ct));
        Assert.Empty(await LedgerAudit.FindDisagreementsAsync(db, Ct));
    }

    public async ValueTask InitializeAsync() => await _world.WithLocationAsync();

    public ValueTask DisposeAsync()
    {
        _world.Dispose();
        return ValueTask.CompletedTask;
    }
}
