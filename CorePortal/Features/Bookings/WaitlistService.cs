using System.Globalization;
using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Bookings;

/// <summary>One client waiting for a place: their position (1 = next), and the credit source reserved for them.</summary>
public sealed record WaitlistRow(int EntryId, int SessionId, string Session, DateTime StartsAt, int Position, int ClientId, string ClientName, int PurchaseId,
    string PurchaseName, DateTime JoinedAtUtc)
{
    public string SessionLabel => Bookings.SessionLabel.Of(Session, StartsAt);
}

/// <summary>The body of a join: the client, and the purchase to reserve (the earliest-expiring usable one when left out).</summary>
public sealed record WaitlistJoin(int ClientId, int? PurchaseId = null);

/// <summary>
/// A full session's waitlist: joining (which reserves a credit source and spends nothing), leaving, and the list in order.
/// Promotion is WaitlistPromoter's.
/// </summary>
public sealed class WaitlistService(IDbContextFactory<CoreDbContext> dbFactory, TimeProvider clock)
{
    public const string PurchaseField = "purchaseId";
    public const string ClientField = "clientId";

    /// <summary>Puts the client on the session's waitlist, reserving the chosen purchase or their earliest-expiring usable one.</summary>
    public async Task<ServiceResult<WaitlistRow>> JoinAsync(ClaimsPrincipal user, int sessionId, WaitlistJoin join, CancellationToken ct = default)
    {
        if (!Access.CanUseCreditsFor(user, join.ClientId)) return Fail(ServiceResult.Forbidden("Your role does not allow this client to join a waitlist."));
        if (join.ClientId <= 0) return Fail(ServiceResult.Invalid(ClientField, "Choose the client."));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var s = await db.Sessions.AsNoTracking().Where(x => x.Id == sessionId)
            .Select(x => new { x.Name, x.StartsAt, x.Capacity, x.BookedCount, x.WaitlistSize, x.Location!.TimeZoneId, x.Location.WaitlistCutoffHours })
            .FirstOrDefaultAsync(ct);
        if (s is null) return Fail(ServiceResult.NotFound("That session no longer exists."));
        var client = await db.Clients.AsNoTracking().Where(c => c.Id == join.ClientId).Select(c => c.FirstName + " " + c.LastName).FirstOrDefaultAsync(ct);
        if (client is null) return Fail(ServiceResult.NotFound("That client no longer exists."));
        var label = SessionLabel.Of(s.Name, s.StartsAt);
        if (s.WaitlistSize == 0) return Fail(ServiceResult.Conflict($"{label} has no waitlist."));
        if (!WaitlistPromoter.IsOpen(s.StartsAt, s.TimeZoneId, s.WaitlistCutoffHours, clock))
            return Fail(ServiceResult.Conflict($"The waitlist of {label} closed {s.WaitlistCutoffHours.ToString(CultureInfo.InvariantCulture)} hours before the start."));
        if (await db.Bookings.AnyAsync(b => b.SessionId == sessionId && b.ActiveClientId == join.ClientId, ct))
            return Fail(ServiceResult.Conflict($"{client} is already booked into {label}."));
        if (await db.WaitlistEntries.AnyAsync(w => w.SessionId == sessionId && w.ActiveClientId == join.ClientId, ct))
            return Fail(ServiceResult.Conflict($"{client} is already on the waitlist of {label}."));
        if (s.BookedCount < s.Capacity) return Fail(ServiceResult.Conflict($"{label} has a free place: book it instead."));

        var day = DateOnly.FromDateTime(s.StartsAt);
        var usable = db.CreditPeriods.AsNoTracking().Where(PoolRule.Usable(db, join.ClientId, day));
        int purchaseId;
        if (join.PurchaseId is { } chosen)
        {
            var name = await db.Purchases.Where(p => p.Id == chosen).Select(p => p.Name).FirstOrDefaultAsync(ct);
            if (name is null) return Fail(ServiceResult.Invalid(PurchaseField, "That package or membership does not exist."));
            if (!await usable.AnyAsync(p => p.PurchaseId == chosen, ct))
                return Fail(ServiceResult.Invalid(PurchaseField, $"{client} cannot use {name} for {label}: it is not theirs, has no credit left that day, or is frozen or cancelled."));
            purchaseId = chosen;
        }
        else
        {
            var first = await usable.OrderBy(p => p.EndsOn).ThenBy(p => p.PurchaseId).Select(p => (int?)p.PurchaseId).FirstOrDefaultAsync(ct);
            if (first is null) return Fail(ServiceResult.Invalid(PurchaseField, $"{client} has no credit they can use for {label}."));
            purchaseId = first.Value;
        }

        var entry = new WaitlistEntry
        {
            SessionId = sessionId, ClientId = join.ClientId, ActiveClientId = join.ClientId, PurchaseId = purchaseId,
            Status = WaitlistStatus.Waiting, JoinedAtUtc = clock.GetUtcNow().UtcDateTime, Actor = user.ActorName(),
        };
        try
        {
            await using var tx = await db.BeginWriteAsync(ct);
            // PostgreSQL has no writer queue: joiners of one session take turns here, so the size check below stays true at commit.
            await tx.LockAsync(LockNames.Waitlist(sessionId), ct);
            if (await db.WaitlistEntries.CountAsync(w => w.SessionId == sessionId && w.Status == WaitlistStatus.Waiting, ct) >= s.WaitlistSize)
                return Fail(ServiceResult.Conflict($"The waitlist of {label} is full."));
            db.WaitlistEntries.Add(entry);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (Exception ex) when (DbErrors.IsUnique(ex, "ActiveClientId"))
        {
            return Fail(ServiceResult.Conflict($"{client} is already on the waitlist of {label}."));
        }
        var row = (await RowsAsync(db, sessionId, ct)).Single(r => r.EntryId == entry.Id);
        return ServiceResult.Success(row, $"{client} is number {row.Position.ToString(CultureInfo.InvariantCulture)} on the waitlist of {label}.");
    }

    /// <summary>Takes a waiting client off the list.</summary>
    public async Task<ServiceResult> LeaveAsync(ClaimsPrincipal user, int sessionId, int entryId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var entry = await db.WaitlistEntries.AsNoTracking().Where(w => w.Id == entryId && w.SessionId == sessionId)
            .Select(w => new { w.ClientId, w.Status, Client = w.Client!.FirstName + " " + w.Client.LastName, w.Session!.Name, w.Session.StartsAt })
            .FirstOrDefaultAsync(ct);
        if (entry is null) return ServiceResult.NotFound("That waitlist entry does not exist.");
        if (!Access.CanUseCreditsFor(user, entry.ClientId)) return ServiceResult.Forbidden("Your role does not allow taking this client off the waitlist.");
        var label = SessionLabel.Of(entry.Name, entry.StartsAt);
        await using var tx = await db.BeginWriteAsync(ct);
        var left = await db.WaitlistEntries.Where(w => w.Id == entryId && w.Status == WaitlistStatus.Waiting)
            .ExecuteUpdateAsync(x => x.SetProperty(w => w.Status, WaitlistStatus.Left).SetProperty(w => w.ActiveClientId, (int?)null)
                .SetProperty(w => w.ResolvedAtUtc, clock.GetUtcNow().UtcDateTime).SetProperty(w => w.Reason, $"Taken off by {user.ActorName()}"), ct);
        if (left == 0) return ServiceResult.Conflict($"{entry.Client} is no longer waiting for {label}.");
        await tx.CommitAsync(ct);
        return ServiceResult.Ok($"{entry.Client} is off the waitlist of {label}.");
    }

    /// <summary>The waiting clients in order: the whole list for the studio team, a member's own entry (with its position) for them.</summary>
    public async Task<ServiceResult<IReadOnlyList<WaitlistRow>>> ListAsync(ClaimsPrincipal user, int sessionId, CancellationToken ct = default)
    {
        var member = Access.MemberClientId(user);
        if (!Access.CanReadRoster(user) && member is null) return ServiceResult.Failure<IReadOnlyList<WaitlistRow>>(ServiceResult.Forbidden());
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Sessions.AnyAsync(s => s.Id == sessionId, ct))
            return ServiceResult.Failure<IReadOnlyList<WaitlistRow>>(ServiceResult.NotFound("That session no longer exists."));
        var rows = await RowsAsync(db, sessionId, ct);
        return ServiceResult.Success<IReadOnlyList<WaitlistRow>>(Access.CanReadRoster(user) ? rows : [.. rows.Where(r => r.ClientId == member)]);
    }

    /// <summary>The waiting entries of the sessions, each session's in the order they are promoted.</summary>
    public static Task<List<WaitlistRow>> WaitingInAsync(CoreDbContext db, IReadOnlyCollection<int> sessionIds, CancellationToken ct) =>
        Waiting(db, db.WaitlistEntries.Where(w => sessionIds.Contains(w.SessionId))).ToListAsync(ct);

    /// <summary>The session's waiting entries in the order they are promoted.</summary>
    internal static Task<List<WaitlistRow>> RowsAsync(CoreDbContext db, int sessionId, CancellationToken ct) =>
        Waiting(db, db.WaitlistEntries.Where(w => w.SessionId == sessionId)).ToListAsync(ct);

    /// <summary>The client's waiting entries for sessions that have not started (each by its location's now), soonest first, with positions.</summary>
    public static async Task<List<WaitlistRow>> MineAsync(CoreDbContext db, int clientId, IQueryable<int> notStartedSessions, CancellationToken ct) =>
        [.. (await Waiting(db, db.WaitlistEntries.Where(w => w.ClientId == clientId && notStartedSessions.Contains(w.SessionId))).ToListAsync(ct))
            .OrderBy(r => r.StartsAt).ThenBy(r => r.EntryId)];

    // Position: 1 + the waiting entries of the same session ahead of this one (joined earlier, or at once with a lower id).
    private static IQueryable<WaitlistRow> Waiting(CoreDbContext db, IQueryable<WaitlistEntry> entries) =>
        entries.AsNoTracking().Where(w => w.Status == WaitlistStatus.Waiting)
            .OrderBy(w => w.JoinedAtUtc).ThenBy(w => w.Id)
            .Select(w => new WaitlistRow(w.Id, w.SessionId, w.Session!.Name, w.Session.StartsAt,
                1 + db.WaitlistEntries.Count(o => o.SessionId == w.SessionId && o.Status == WaitlistStatus.Waiting
                    && (o.JoinedAtUtc < w.JoinedAtUtc || (o.JoinedAtUtc == w.JoinedAtUtc && o.Id < w.Id))),
                w.ClientId, w.Client!.FirstName + " " + w.Client.LastName, w.PurchaseId, w.Purchase!.Name, w.JoinedAtUtc));

    private static ServiceResult<WaitlistRow> Fail(ServiceResult failure) => ServiceResult.Failure<WaitlistRow>(failure);
}
