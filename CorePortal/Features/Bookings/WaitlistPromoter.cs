using System.Globalization;
using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Bookings;

/// <summary>
/// The one door that fills freed places from a session's waitlist. Called after every change that frees a place (a cancellation,
/// a lifecycle change, a capacity raise) and by WaitlistJob's sweep. Safe to run twice at once: the place is the conditional
/// BookedCount update, the credit the guarded debit, and the entry changes only while it is still Waiting.
/// </summary>
public sealed class WaitlistPromoter(IDbContextFactory<CoreDbContext> dbFactory, BookingService bookings, TimeProvider clock,
    Notifications.OutboxSignal outbox)
{
    /// <summary>Who the ledger names for a promotion's booking.</summary>
    public static readonly ClaimsPrincipal Actor = new(new ClaimsIdentity([new Claim("display_name", "Waitlist")]));

    private sealed record SessionFacts(string Name, DateTime StartsAt, int DurationMinutes, string TimeZoneId, int CutoffHours, int Capacity, int BookedCount)
    {
        public string Label => SessionLabel.Of(Name, StartsAt);
    }

    /// <summary>
    /// While the session has a free place and its list is open, promotes the first waiting client; skips one who has an
    /// overlapping booking or no credit left; after the cutoff closes the list. Returns how many were promoted.
    /// </summary>
    public async Task<int> FillAsync(int sessionId, CancellationToken ct = default)
    {
        var promoted = 0;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var s = await db.Sessions.AsNoTracking().Where(x => x.Id == sessionId)
                .Select(x => new SessionFacts(x.Name, x.StartsAt, x.DurationMinutes, x.Location!.TimeZoneId, x.Location.WaitlistCutoffHours, x.Capacity, x.BookedCount))
                .FirstOrDefaultAsync(ct);
            if (s is null) return promoted;
            if (!IsOpen(s.StartsAt, s.TimeZoneId, s.CutoffHours, clock))
            {
                await CloseAsync(db, sessionId, s.CutoffHours, ct);
                return promoted;
            }
            if (s.BookedCount >= s.Capacity) return promoted;
            var entry = await db.WaitlistEntries.AsNoTracking().Where(w => w.SessionId == sessionId && w.Status == WaitlistStatus.Waiting)
                .OrderBy(w => w.JoinedAtUtc).ThenBy(w => w.Id)
                .Select(w => new { w.Id, w.ClientId, w.PurchaseId, Client = w.Client!.FirstName + " " + w.Client.LastName, w.Client.Email })
                .FirstOrDefaultAsync(ct);
            if (entry is null) return promoted;

            if (await OverlapAsync(db, sessionId, entry.ClientId, s, ct) is { } other)
            {
                await SkipAsync(db, entry.Id, $"{entry.Client} is booked into {other}, which overlaps.", ct);
                continue;
            }
            var outcome = Attempt.NoCredit;
            foreach (var purchaseId in await SourcesAsync(db, entry.ClientId, entry.PurchaseId, DateOnly.FromDateTime(s.StartsAt), ct))
            {
                outcome = await TryAsync(sessionId, entry.Id, entry.ClientId, entry.Client, entry.Email, purchaseId, s, ct);
                if (outcome != Attempt.NoCredit) break;
                // The pool changed meanwhile (spent, frozen) or the place went: a full session ends the pass, else the next source.
                if (await db.Sessions.AnyAsync(x => x.Id == sessionId && x.BookedCount >= x.Capacity, ct)) return promoted;
            }
            if (outcome == Attempt.Promoted) promoted++;
            else if (outcome == Attempt.NoCredit)
                await SkipAsync(db, entry.Id, $"{entry.Client} had no credit left for {s.Label} when a place freed.", ct);
            // EntryGone: another promoter (or the client leaving) resolved it; look again.
        }
    }

    /// <summary>
    /// Fills each session after a change that freed places in several (a purchase's cancellation or freeze). Not with the
    /// caller's token: the change is committed, and a promotion that fails here is made by WaitlistJob's next sweep.
    /// </summary>
    public async Task FillAllAsync(IEnumerable<int> sessionIds)
    {
        foreach (var id in sessionIds.Distinct()) await FillAsync(id, CancellationToken.None);
    }

    private enum Attempt { Promoted, NoCredit, EntryGone }

    private async Task<Attempt> TryAsync(int sessionId, int entryId, int clientId, string client, string email, int purchaseId, SessionFacts s, CancellationToken ct)
    {
        var entryGone = false;
        var booked = await bookings.BookFromWaitlistAsync(Actor, sessionId, clientId, purchaseId, async (db, bookingId) =>
        {
            var now = clock.GetUtcNow().UtcDateTime;
            // Conditional on Waiting: of two promoters racing for one entry, one changes it and the other undoes its booking.
            var marked = await db.WaitlistEntries.Where(w => w.Id == entryId && w.Status == WaitlistStatus.Waiting)
                .ExecuteUpdateAsync(x => x.SetProperty(w => w.Status, WaitlistStatus.Promoted).SetProperty(w => w.BookingId, bookingId)
                    .SetProperty(w => w.ActiveClientId, (int?)null).SetProperty(w => w.ResolvedAtUtc, now), ct);
            if (marked == 0)
            {
                entryGone = true;
                return false;
            }
            var text = $"You're in: a place freed in {s.Label} and you are booked from the waitlist.";
            db.Notifications.Add(new Notification { ClientId = clientId, Text = text, CreatedAtUtc = now });
            db.Outbox.Add(new OutboxMessage
            {
                Channel = OutboxChannel.Email, ClientId = clientId, Recipient = email, Subject = $"You're in: {s.Label}",
                Body = $"Hi {client}, a place freed in {s.Label} and you are booked from the waitlist. One credit was used. " +
                    "If you can no longer come, cancel the booking so the next person gets the place.",
                CreatedAtUtc = now, NextAttemptAtUtc = now,
            });
            await db.SaveChangesAsync(ct);
            return true;
        }, ct);
        if (booked.Succeeded)
        {
            outbox.Poke();
            return Attempt.Promoted;
        }
        if (entryGone) return Attempt.EntryGone;
        // Refused before the callback ran: a racing promoter may have booked this client already (the unique index refused us).
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.WaitlistEntries.AnyAsync(w => w.Id == entryId && w.Status == WaitlistStatus.Waiting, ct) ? Attempt.NoCredit : Attempt.EntryGone;
    }

    /// <summary>The reserved purchase first, then the client's other usable ones, earliest-expiring first (as CreditSourcesAsync offers them).</summary>
    private static async Task<List<int>> SourcesAsync(CoreDbContext db, int clientId, int reserved, DateOnly day, CancellationToken ct)
    {
        var usable = await db.CreditPeriods.AsNoTracking().Where(PoolRule.Usable(db, clientId, day))
            .OrderBy(p => p.EndsOn).ThenBy(p => p.PurchaseId).Select(p => p.PurchaseId).ToListAsync(ct);
        return [.. usable.OrderBy(id => id != reserved).Distinct()];
    }

    private static async Task<string?> OverlapAsync(CoreDbContext db, int sessionId, int clientId, SessionFacts s, CancellationToken ct)
    {
        var end = s.StartsAt.AddMinutes(s.DurationMinutes);
        var from = s.StartsAt.AddDays(-1);
        var near = await db.Bookings.AsNoTracking()
            .Where(b => b.ClientId == clientId && b.Status == BookingStatus.Booked && b.SessionId != sessionId
                && b.Session!.StartsAt < end && b.Session.StartsAt > from)
            .Select(b => new { b.Session!.Name, b.Session.StartsAt, b.Session.DurationMinutes }).ToListAsync(ct);
        return near.Where(b => b.StartsAt.AddMinutes(b.DurationMinutes) > s.StartsAt).Select(b => SessionLabel.Of(b.Name, b.StartsAt)).FirstOrDefault();
    }

    private async Task SkipAsync(CoreDbContext db, int entryId, string reason, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var tx = await db.BeginWriteAsync(ct);
        await db.WaitlistEntries.Where(w => w.Id == entryId && w.Status == WaitlistStatus.Waiting)
            .ExecuteUpdateAsync(x => x.SetProperty(w => w.Status, WaitlistStatus.Skipped).SetProperty(w => w.Reason, reason)
                .SetProperty(w => w.ActiveClientId, (int?)null).SetProperty(w => w.ResolvedAtUtc, now), ct);
        await tx.CommitAsync(ct);
    }

    private async Task CloseAsync(CoreDbContext db, int sessionId, int cutoffHours, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var reason = $"The list closed {cutoffHours.ToString(CultureInfo.InvariantCulture)} hours before the start.";
        await using var tx = await db.BeginWriteAsync(ct);
        await db.WaitlistEntries.Where(w => w.SessionId == sessionId && w.Status == WaitlistStatus.Waiting)
            .ExecuteUpdateAsync(x => x.SetProperty(w => w.Status, WaitlistStatus.Closed).SetProperty(w => w.Reason, reason)
                .SetProperty(w => w.ActiveClientId, (int?)null).SetProperty(w => w.ResolvedAtUtc, now), ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Whether a session's waitlist still takes clients and promotes them: more than the cutoff before its start, in its location's zone.</summary>
    public static bool IsOpen(DateTime startsAt, string? timeZoneId, int cutoffHours, TimeProvider clock) =>
        LocationTime.Until(startsAt, LocationTime.Zone(timeZoneId, clock), clock) > TimeSpan.FromHours(cutoffHours);
}
