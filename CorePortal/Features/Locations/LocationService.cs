using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Locations;

/// <summary>The edit form and <c>PUT /api/locations/{id}</c> body; a missing name keeps the current one.</summary>
public sealed class LocationInput
{
    public string? Name { get; set; }
    public string? TimeZoneId { get; set; }
    public int WaitlistCutoffHours { get; set; } = 2;
}

/// <summary>
/// The studio's locations, their time zones and waitlist cutoffs (managers). A zone change does not move stored sessions:
/// their starts are wall-clock times at the location, so a 18:00 class stays at 18:00 in the new zone.
/// </summary>
public sealed class LocationService(IDbContextFactory<CoreDbContext> dbFactory, TimeProvider clock)
{
    public const int MaxCutoffHours = 48;

    /// <summary>Every location by name, for the Locations page (the studio team reads the same through ScheduleService.LocationsAsync).</summary>
    public async Task<ServiceResult<IReadOnlyList<LocationOption>>> ListAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (!Access.CanManageLocations(user)) return ServiceResult.Failure<IReadOnlyList<LocationOption>>(ServiceResult.Forbidden());
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return ServiceResult.Success<IReadOnlyList<LocationOption>>(await db.Locations.AsNoTracking().OrderBy(l => l.Name)
            .Select(l => new LocationOption(l.Id, l.Name, l.TimeZoneId, l.WaitlistCutoffHours)).ToListAsync(ct));
    }

    /// <summary>Saves a location's name, zone and cutoff; an unknown zone or a cutoff outside 0..48 is a field error and writes nothing.</summary>
    public async Task<ServiceResult<LocationOption>> SaveAsync(ClaimsPrincipal user, int locationId, LocationInput input, CancellationToken ct = default)
    {
        if (!Access.CanManageLocations(user)) return ServiceResult.Failure<LocationOption>(ServiceResult.Forbidden("Your role does not allow editing locations."));
        var errors = new Dictionary<string, string[]>();
        string? name = null;
        if (input.Name is not null)
        {
            name = CleanText.Name(input.Name, out var nameError);
            if (nameError is not null) errors[nameof(input.Name)] = [nameError];
            else if (name!.Length is 0 or > 120) errors[nameof(input.Name)] = ["Enter the location's name (up to 120 characters)."];
        }
        var zone = input.TimeZoneId?.Trim() ?? "";
        if (zone.Length > 0 && !LocationTime.IsKnownZone(zone))
            errors[nameof(input.TimeZoneId)] = [$"\"{Cut(zone)}\" is not a time zone this server knows: choose one from the list (for example Europe/London)."];
        if (input.WaitlistCutoffHours is < 0 or > MaxCutoffHours)
            errors[nameof(input.WaitlistCutoffHours)] = [$"The waitlist cutoff is 0 to {MaxCutoffHours} hours."];
        if (errors.Count > 0) return ServiceResult.Failure<LocationOption>(ServiceResult.Invalid(errors));

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var location = await db.Locations.SingleOrDefaultAsync(l => l.Id == locationId, ct);
        if (location is null) return ServiceResult.Failure<LocationOption>(ServiceResult.NotFound("That location no longer exists."));
        location.Name = name ?? location.Name;
        // The zone is stored as the machine names it (an id given in other letter case finds the same zone).
        location.TimeZoneId = zone.Length == 0 ? "" : LocationTime.KnownZoneId(zone)!;
        location.WaitlistCutoffHours = input.WaitlistCutoffHours;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return ServiceResult.Success(new LocationOption(location.Id, location.Name, location.TimeZoneId, location.WaitlistCutoffHours), $"{location.Name} is saved.");
    }

    /// <summary>The zones a location may take: this machine's IANA ids, sorted.</summary>
    public static IReadOnlyList<string> Zones { get; } = TimeZoneInfo.GetSystemTimeZones().Select(z => z.Id).Order(StringComparer.Ordinal).ToList();

    /// <summary>How the page names the default zone: "Server's zone (Etc/UTC)".</summary>
    public string ServerZoneText => $"Server's zone ({clock.LocalTimeZone.Id})";

    private static string Cut(string text) => text.Length > 64 ? text[..64] + "…" : text;
}
