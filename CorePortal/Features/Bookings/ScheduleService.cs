using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Bookings;

public sealed record SessionRow(int Id, string Name, string Trainer, DateTime StartsAt, int DurationMinutes, int Capacity, int BookedCount, string TimeZoneId = "",
    int WaitlistSize = 0, int Waiting = 0)
{
    public string Label => SessionLabel.Of(Name, StartsAt);

    /// <summary>What the schedule shows for the places: "8 / 12", "Full", "Full · 3 waiting".</summary>
    public string PlacesText => BookedCount < Capacity ? $"{BookedCount} / {Capacity}" : Waiting > 0 ? $"Full · {Waiting} waiting" : "Full";
}
public sealed record RosterRow(int BookingId, string ClientName, string Barcode, string PurchaseName, BookingStatus Status)
{
    public string StatusText => SessionLabel.StatusText(Status);
    /// <summary>The policy that kept the credit, if one did; Waived once staff returned it.</summary>
    public BookingPenalty Penalty { get; init; }
    public bool Waived { get; init; }
    public string? PenaltyText => Penalty == BookingPenalty.None ? null
        : $"{(Penalty == BookingPenalty.NoShow ? "No-show" : "Late cancel")}: {(Waived ? "waived" : "credit kept")}";
}

/// <summary>The form behind "New session"; the service validates it.</summary>
public sealed class SessionInput
{
    public string Name { get; set; } = "";
    public int LocationId { get; set; }
    public string Trainer { get; set; } = "";
    public DateTime? Date { get; set; }
    public TimeSpan? StartTime { get; set; }
    public int DurationMinutes { get; set; } = 60;
    public int Capacity { get; set; } = 12;
    /// <summary>How many may wait for a place once the session is full; 0: no waitlist.</summary>
    public int WaitlistSize { get; set; }
}

/// <summary>The schedule: sessions by day and location, new sessions, and a session's roster (the client to book is found by ClientSearchService).</summary>
public sealed partial class ScheduleService(IDbContextFactory<CoreDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>The studio's locations by name: the studio team and members.</summary>
    public async Task<ServiceResult<IReadOnlyList<LocationOption>>> LocationsAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (!Access.CanReadSchedule(user)) return ServiceResult.Failure<IReadOnlyList<LocationOption>>(ServiceResult.Forbidden());
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return ServiceResult.Success<IReadOnlyList<LocationOption>>(
            await db.Locations.AsNoTracking().OrderBy(l => l.Name).Select(l => new LocationOption(l.Id, l.Name, l.TimeZoneId, l.WaitlistCutoffHours)).ToListAsync(ct));
    }

    /// <summary>The sessions at one location on one studio-local day, earliest first: the studio team and members.</summary>
    public async Task<ServiceResult<IReadOnlyList<SessionRow>>> DayAsync(ClaimsPrincipal user, DateOnly day, int locationId, CancellationToken ct = default)
    {
        if (!Access.CanReadSchedule(user)) return ServiceResult.Failure<IReadOnlyList<SessionRow>>(ServiceResult.Forbidden());
        if (DateWindow.For(clock).DayRefusal(day) is { } refused) return ServiceResult.Failure<IReadOnlyList<SessionRow>>(refused);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return ServiceResult.Success(await SessionsAsync(db, day, locationId, ct));
    }

    private static async Task<IReadOnlyList<SessionRow>> SessionsAsync(CoreDbContext db, DateOnly day, int locationId, CancellationToken ct)
    {
        var from = day.ToDateTime(TimeOnly.MinValue);
        var to = from.AddDays(1);
        return await db.Sessions.AsNoTracking()
            .Where(s => s.LocationId == locationId && s.StartsAt >= from && s.StartsAt < to)
            .OrderBy(s => s.StartsAt).ThenBy(s => s.Name)
            .Select(s => new SessionRow(s.Id, s.Name, s.Trainer, s.StartsAt, s.DurationMinutes, s.Capacity, s.BookedCount, s.Location!.TimeZoneId,
                s.WaitlistSize, db.WaitlistEntries.Count(w => w.SessionId == s.Id && w.Status == WaitlistStatus.Waiting)))
            .ToListAsync(ct);
    }

    /// <summary>Adds a session to the schedule (Staff and up).</summary>
    public async Task<ServiceResult<int>> CreateSessionAsync(ClaimsPrincipal user, SessionInput input, CancellationToken ct = default)
    {
        if (!Access.CanManageSessions(user)) return ServiceResult.Failure<int>(ServiceResult.Forbidden("Your role does not allow creating sessions."));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var errors = new Dictionary<string, string[]>();
        var name = CleanText.Name(input.Name, out var nameError); // null from an API body is empty
        var trainer = CleanText.Name(input.Trainer, out var trainerError);
        if (nameError is not null) errors[nameof(input.Name)] = [nameError];
        else if (name!.Length is 0 or > 120) errors[nameof(input.Name)] = ["Enter the class name (up to 120 characters)."];
        if (trainerError is not null) errors[nameof(input.Trainer)] = [trainerError];
        else if (trainer!.Length is 0 or > 120) errors[nameof(input.Trainer)] = ["Enter the trainer (up to 120 characters)."];
        if (!await db.Locations.AnyAsync(l => l.Id == input.LocationId, ct)) errors[nameof(input.LocationId)] = ["Choose a location."];
        if (input.Date is null) errors[nameof(input.Date)] = ["Choose the date."];
        else DateWindow.For(clock).Check(errors, nameof(input.Date), DateOnly.FromDateTime(input.Date.Value), "The session's date");
        if (input.StartTime is not { } start || start < TimeSpan.Zero || start >= TimeSpan.FromDays(1)) errors[nameof(input.StartTime)] = ["Choose the start time."];
        if (input.DurationMinutes is < 5 or > 300) errors[nameof(input.DurationMinutes)] = ["The duration is 5 to 300 minutes."];
        if (input.Capacity is < 1 or > 500) errors[nameof(input.Capacity)] = ["The capacity is 1 to 500 places."];
        if (input.WaitlistSize is < 0 or > 500) errors[nameof(input.WaitlistSize)] = ["The waitlist takes 0 (none) to 500 clients."];
        if (errors.Count > 0) return ServiceResult.Failure<int>(ServiceResult.Invalid(errors));

        var session = new Session
        {
            Name = name!, LocationId = input.LocationId, Trainer = trainer!,
            // Studio-local, whatever kind the date came in as (an API body may say Utc): PostgreSQL's timestamp takes no other.
            StartsAt = DateTime.SpecifyKind(input.Date!.Value.Date + input.StartTime!.Value, DateTimeKind.Unspecified),
            DurationMinutes = input.DurationMinutes, Capacity = input.Capacity, WaitlistSize = input.WaitlistSize,
        };
        await using var tx = await db.BeginWriteAsync(ct);
        db.Sessions.Add(session);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return ServiceResult.Success(session.Id, $"{SessionLabel.Of(session.Name, session.StartsAt)} is on the schedule.");
    }

    /// <summary>Everyone booked into the session, live bookings first; not found when there is no such session.</summary>
    public async Task<ServiceResult<IReadOnlyList<RosterRow>>> RosterAsync(ClaimsPrincipal user, int sessionId, CancellationToken ct = default)
    {
        if (!Access.CanReadRoster(user)) return ServiceResult.Failure<IReadOnlyList<RosterRow>>(ServiceResult.Forbidden());
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Sessions.AnyAsync(s => s.Id == sessionId, ct))
            return ServiceResult.Failure<IReadOnlyList<RosterRow>>(ServiceResult.NotFound("That session no longer exists."));
        var rows = await db.Bookings.AsNoTracking().Where(b => b.SessionId == sessionId)
            .OrderBy(b => b.Status == BookingStatus.Cancelled).ThenBy(b => b.Client!.FirstName).ThenBy(b => b.Client!.LastName)
            .Select(b => new RosterRow(b.Id, b.Client!.FirstName + " " + b.Client.LastName, b.Client.Barcode, b.Purchase!.Name, b.Status)
            {
                Penalty = b.Penalty, Waived = b.WaivedAtUtc != null,
            })
            .ToListAsync(ct);
        return ServiceResult.Success<IReadOnlyList<RosterRow>>(rows);
    }
}
