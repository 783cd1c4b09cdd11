using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using CorePortal.Features.Live;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Bookings;

/// <summary>
/// Books clients into sessions from a credit pool. Credits and places are taken by conditional updates inside
/// one transaction, so simultaneous requests can never spend a credit or a place twice.
/// </summary>
public sealed partial class BookingService(IDbContextFactory<CoreDbContext> dbFactory, BalanceFeed feed, TimeProvider clock)
{
    /// <summary>
    /// The client's own active purchases and the accepted shared ones, each with the time frame containing the
    /// session's date and credits left (or unlimited); the earliest-expiring first.
    /// </summary>
    public async Task<ServiceResult<IReadOnlyList<CreditSource>>> CreditSourcesAsync(ClaimsPrincipal user, int clientId, int sessionId, CancellationToken ct = default)
    {
        if (!BookingAccess.MayViewFor(user, clientId)) return ServiceResult.Failure<IReadOnlyList<CreditSource>>(ServiceResult.Forbidden());
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var startsAt = await db.Sessions.Where(s => s.Id == sessionId).Select(s => (DateTime?)s.StartsAt).FirstOrDefaultAsync(ct);
        if (startsAt is null) return ServiceResult.Failure<IReadOnlyList<CreditSource>>(ServiceResult.NotFound("That session no longer exists."));
        var day = DateOnly.FromDateTime(startsAt.Value);
        var sharedWithClient = db.PurchaseShares.Where(s => s.ClientId == clientId && s.Status == ShareStatus.Accepted).Select(s => s.PurchaseId);
        var sources = await db.CreditPeriods.AsNoTracking()
            .Where(p => p.StartsOn <= day && p.EndsOn >= day && p.Purchase!.Status == PurchaseStatus.Active
                && (p.Purchase.OwnerClientId == clientId || sharedWithClient.Contains(p.PurchaseId))
                && (p.MaxCredits == null || p.UsedCredits < p.MaxCredits))
            .OrderBy(p => p.EndsOn).ThenBy(p => p.PurchaseId)
            .Select(p => new CreditSource(p.PurchaseId, p.Id, p.Purchase!.Name,
                p.Purchase.OwnerClient!.FirstName + " " + p.Purchase.OwnerClient.LastName,
                p.Purchase.OwnerClientId != clientId, p.MaxCredits - p.UsedCredits, p.EndsOn))
            .ToListAsync(ct);
        return ServiceResult.Success<IReadOnlyList<CreditSource>>(sources);
    }

    /// <summary>
    /// Books the client into the session with one credit of the purchase's time frame on the session's date.
    /// A request key seen before returns the booking it made instead of booking again.
    /// </summary>
    public async Task<ServiceResult<BookingReceipt>> BookAsync(ClaimsPrincipal user, int sessionId, int clientId, int purchaseId, string? requestKey, CancellationToken ct = default)
    {
        if (!BookingAccess.MayBookFor(user, clientId)) return Fail(ServiceResult.Forbidden("Your role does not allow booking for this client."));
        requestKey = string.IsNullOrWhiteSpace(requestKey) ? null : requestKey.Trim();
        if (requestKey is { Length: > 100 }) return Fail(ServiceResult.Invalid("requestKey", "The request key is longer than 100 characters."));

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        ServiceResult<BookingReceipt> result;
        try
        {
            result = await BookInTransactionAsync(db, user, sessionId, clientId, purchaseId, requestKey, ct);
        }
        catch (DbUpdateException ex) when (SqliteConstraint.IsUnique(ex, "RequestKey"))
        {
            // Backstop: the checks run under the write lock, but the unique indexes are what guarantee it.
            db.ChangeTracker.Clear();
            return await ReplayAsync(db, requestKey!, clientId, ct) ?? Fail(ServiceResult.Conflict("This request was already handled."));
        }
        catch (DbUpdateException ex) when (SqliteConstraint.IsUnique(ex, "ActiveClientId"))
        {
            db.ChangeTracker.Clear();
            var names = await NamesAsync(db, sessionId, clientId, ct);
            return Fail(ServiceResult.Conflict($"{names.Client} is already booked into {names.Session}."));
        }
        if (result.Succeeded && !result.Value!.Replayed)
            await feed.PublishPeriodsAsync(db, [result.Value.PeriodId], CancellationToken.None); // committed: tell listeners even if the caller gave up
        return result;
    }

    private async Task<ServiceResult<BookingReceipt>> BookInTransactionAsync(CoreDbContext db, ClaimsPrincipal user,
        int sessionId, int clientId, int purchaseId, string? requestKey, CancellationToken ct)
    {
        // BEGIN IMMEDIATE: writers queue here, so every check below reads what the previous booking committed.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (requestKey is not null && await ReplayAsync(db, requestKey, clientId, ct) is { } replay) return replay;

        var session = await db.Sessions.AsNoTracking().Where(s => s.Id == sessionId).Select(s => new { s.Name, s.StartsAt }).FirstOrDefaultAsync(ct);
        if (session is null) return Fail(ServiceResult.NotFound("That session no longer exists."));
        var client = await db.Clients.AsNoTracking().Where(c => c.Id == clientId).Select(c => c.FirstName + " " + c.LastName).FirstOrDefaultAsync(ct);
        if (client is null) return Fail(ServiceResult.NotFound("That client no longer exists."));
        var purchase = await db.Purchases.AsNoTracking().Where(p => p.Id == purchaseId).Select(p => new { p.Name, p.OwnerClientId, p.Status }).FirstOrDefaultAsync(ct);
        if (purchase is null) return Fail(ServiceResult.NotFound("That package or membership no longer exists."));

        var sessionLabel = SessionLabel.Of(session.Name, session.StartsAt);
        var mayUse = purchase.OwnerClientId == clientId || await db.PurchaseShares.AnyAsync(
            s => s.PurchaseId == purchaseId && s.ClientId == clientId && s.Status == ShareStatus.Accepted, ct);
        if (!mayUse) return Fail(ServiceResult.Forbidden($"{client} may not use {purchase.Name}: it is not theirs and not shared with them."));
        if (purchase.Status != PurchaseStatus.Active) return Fail(ServiceResult.Conflict($"{purchase.Name} was cancelled."));
        if (await db.Bookings.AnyAsync(b => b.SessionId == sessionId && b.ActiveClientId == clientId, ct))
            return Fail(ServiceResult.Conflict($"{client} is already booked into {sessionLabel}."));

        var day = DateOnly.FromDateTime(session.StartsAt);
        var periodId = await db.CreditPeriods.Where(p => p.PurchaseId == purchaseId && p.StartsOn <= day && p.EndsOn >= day)
            .Select(p => (int?)p.Id).FirstOrDefaultAsync(ct);
        if (periodId is null) return Fail(ServiceResult.Conflict($"{purchase.Name} is not valid on {sessionLabel}."));

        var version = Guid.NewGuid();
        var debited = await db.CreditPeriods
            .Where(p => p.Id == periodId && (p.MaxCredits == null || p.UsedCredits < p.MaxCredits))
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.UsedCredits, p => p.UsedCredits + 1).SetProperty(p => p.Version, version), ct);
        if (debited == 0) return Fail(ServiceResult.Conflict($"No credits left on {purchase.Name}."));
        var placed = await db.Sessions
            .Where(s => s.Id == sessionId && s.BookedCount < s.Capacity)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.BookedCount, x => x.BookedCount + 1), ct);
        if (placed == 0) return Fail(ServiceResult.Conflict($"{sessionLabel} is full."));

        var balance = await db.CreditPeriods.AsNoTracking().Where(p => p.Id == periodId).Select(p => new { p.UsedCredits, p.MaxCredits }).SingleAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var booking = new Booking
        {
            SessionId = sessionId, ClientId = clientId, PurchaseId = purchaseId, PeriodId = periodId.Value,
            Status = BookingStatus.Booked, BookedAtUtc = now, ActiveClientId = clientId, RequestKey = requestKey,
        };
        db.Bookings.Add(booking);
        db.Ledger.Add(new CreditLedgerEntry
        {
            PurchaseId = purchaseId, PeriodId = periodId.Value, Kind = LedgerKind.BookingUse, Amount = 1, Booking = booking,
            MaxAfter = balance.MaxCredits, UsedAfter = balance.UsedCredits, Actor = user.ActorName(), AtUtc = now,
            Note = $"{sessionLabel}, used by {client}",
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return ServiceResult.Success(new BookingReceipt(booking.Id, periodId.Value, balance.MaxCredits - balance.UsedCredits, Replayed: false),
            $"{client} is booked into {sessionLabel}.");
    }

    private static async Task<ServiceResult<BookingReceipt>?> ReplayAsync(CoreDbContext db, string requestKey, int clientId, CancellationToken ct)
    {
        var original = await db.Bookings.AsNoTracking().Where(b => b.RequestKey == requestKey)
            .Select(b => new { b.Id, b.ClientId, b.PeriodId, Remaining = db.CreditPeriods.Where(p => p.Id == b.PeriodId).Select(p => p.MaxCredits - p.UsedCredits).FirstOrDefault() })
            .FirstOrDefaultAsync(ct);
        if (original is null) return null;
        if (original.ClientId != clientId) return Fail(ServiceResult.Conflict("This request key was already used for another booking."));
        return ServiceResult.Success(new BookingReceipt(original.Id, original.PeriodId, original.Remaining, Replayed: true), "This booking was already made.");
    }

    private static async Task<(string Session, string Client)> NamesAsync(CoreDbContext db, int sessionId, int clientId, CancellationToken ct)
    {
        var session = await db.Sessions.AsNoTracking().Where(s => s.Id == sessionId).Select(s => new { s.Name, s.StartsAt }).SingleAsync(ct);
        var client = await db.Clients.AsNoTracking().Where(c => c.Id == clientId).Select(c => c.FirstName + " " + c.LastName).SingleAsync(ct);
        return (SessionLabel.Of(session.Name, session.StartsAt), client);
    }

    private static ServiceResult<BookingReceipt> Fail(ServiceResult failure) => ServiceResult.Failure<BookingReceipt>(failure);
}
