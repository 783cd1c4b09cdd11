using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Bookings;

/// <summary>One attendee on the Live page: the source they booked with and what is left on it (null: unlimited).</summary>
public sealed record LiveAttendee(int BookingId, string ClientName, string PurchaseName, int PeriodId, BookingStatus Status, int? Remaining)
{
    public string StatusText => SessionLabel.StatusText(Status);
    public string RemainingText => Remaining is { } left ? left.ToString(System.Globalization.CultureInfo.InvariantCulture) : "∞";
}

public sealed record LiveSession(SessionRow Session, IReadOnlyList<LiveAttendee> Attendees)
{
    /// <summary>Who waits for a place, in the order they are promoted.</summary>
    public IReadOnlyList<WaitlistRow> Waiting { get; init; } = [];
}

// The Live page's read: a day's sessions at a location with everyone booked, attended or a no-show.
public sealed partial class ScheduleService
{
    /// <summary>The day's sessions at the location, each with its attendees and the credits left on the source they booked with.</summary>
    public async Task<ServiceResult<IReadOnlyList<LiveSession>>> LiveDayAsync(ClaimsPrincipal user, DateOnly day, int locationId, CancellationToken ct = default)
    {
        if (!Access.CanReadRoster(user)) return ServiceResult.Failure<IReadOnlyList<LiveSession>>(ServiceResult.Forbidden());
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var sessions = await SessionsAsync(db, day, locationId, ct);
        var ids = sessions.Select(s => s.Id).ToList();
        var attendees = await db.Bookings.AsNoTracking()
            .Where(b => ids.Contains(b.SessionId) && b.Status != BookingStatus.Cancelled)
            .OrderBy(b => b.Client!.FirstName).ThenBy(b => b.Client!.LastName)
            .Select(b => new
            {
                b.SessionId,
                Row = new LiveAttendee(b.Id, b.Client!.FirstName + " " + b.Client.LastName, b.Purchase!.Name, b.PeriodId, b.Status,
                    db.CreditPeriods.Where(p => p.Id == b.PeriodId).Select(p => p.MaxCredits - p.UsedCredits).FirstOrDefault()),
            })
            .ToListAsync(ct);
        var bySession = attendees.ToLookup(a => a.SessionId, a => a.Row);
        var waiting = (await WaitlistService.WaitingInAsync(db, ids, ct)).ToLookup(w => w.SessionId);
        return ServiceResult.Success<IReadOnlyList<LiveSession>>(
            sessions.Select(s => new LiveSession(s, bySession[s.Id].ToList()) { Waiting = [.. waiting[s.Id]] }).ToList());
    }
}
