using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using CorePortal.Features.Bookings;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Members;

/// <summary>
/// One of the member's bookings, with the package it used (theirs or shared with them). StartsAt is the wall-clock time at
/// the location, in the zone TimeZoneId ("" = the server's).
/// </summary>
public sealed record MemberBooking(int BookingId, int SessionId, string Session, DateTime StartsAt, string Location, string Trainer,
    BookingStatus Status, int PurchaseId, string PurchaseName, string PurchaseOwner, string TimeZoneId = "")
{
    public string StatusText => SessionLabel.StatusText(Status);
    /// <summary>A live booking's cancellation consequence as of now (late or not, the credit kept or returned, the sentence); null otherwise.</summary>
    public CancellationConsequence? Cancellation { get; init; }
}

public sealed record MemberBookingPage(IReadOnlyList<MemberBooking> Items, int TotalCount)
{
    /// <summary>With the upcoming bookings: the sessions the member waits for, with their position on each list.</summary>
    public IReadOnlyList<WaitlistRow> Waiting { get; init; } = [];
}

/// <summary>The reads only the members' app needs; everything else goes through the services the portal uses.</summary>
public sealed class MemberQueries(IDbContextFactory<CoreDbContext> dbFactory, TimeProvider clock)
{
    public const int MaxPageSize = 100;

    /// <summary>The client's bookings: upcoming ones soonest first, or past ones newest first.</summary>
    public async Task<ServiceResult<MemberBookingPage>> BookingsAsync(ClaimsPrincipal user, int clientId, bool upcoming, int page, int pageSize, CancellationToken ct = default)
    {
        if (!Access.CanReadClient(user, clientId)) return ServiceResult.Failure<MemberBookingPage>(ServiceResult.Forbidden());
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Upcoming or past by each session's own location: 18:00 in New York is past at 23:00 UTC, 18:00 in London is not.
        var notStarted = db.Sessions.Where(await LocationTime.NotStartedAsync(db, clock, ct)).Select(s => s.Id);
        var mine = db.Bookings.AsNoTracking().Where(b => b.ClientId == clientId);
        mine = upcoming ? mine.Where(b => notStarted.Contains(b.SessionId)) : mine.Where(b => !notStarted.Contains(b.SessionId));
        var ordered = upcoming ? mine.OrderBy(b => b.Session!.StartsAt).ThenBy(b => b.Id) : mine.OrderByDescending(b => b.Session!.StartsAt).ThenByDescending(b => b.Id);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        var total = await mine.CountAsync(ct);
        var rows = await ordered.Skip(Math.Max(0, page) * pageSize).Take(pageSize)
            .Select(b => new MemberBooking(b.Id, b.SessionId, b.Session!.Name, b.Session.StartsAt, b.Session.Location!.Name, b.Session.Trainer,
                b.Status, b.PurchaseId, b.Purchase!.Name, b.Purchase.OwnerClient!.FirstName + " " + b.Purchase.OwnerClient.LastName,
                b.Session.Location.TimeZoneId))
            .ToListAsync(ct);
        for (var i = 0; i < rows.Count; i++) // the same rule the cancellation applies, shown before the call
            if (rows[i].Status == BookingStatus.Booked)
                rows[i] = rows[i] with { Cancellation = await CancellationConsequence.OfAsync(db, rows[i].BookingId, clock, ct) };
        List<WaitlistRow> waiting = upcoming ? await WaitlistService.MineAsync(db, clientId, notStarted, ct) : [];
        return ServiceResult.Success(new MemberBookingPage(rows, total) { Waiting = waiting });
    }
}
