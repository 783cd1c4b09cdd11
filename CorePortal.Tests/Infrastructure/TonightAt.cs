using CorePortal.Features.Common;
using CorePortal.Features.Locations;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Tests.Infrastructure;

/// <summary>
/// "Tonight" at a location whenever the test runs: gives the location a fixed-offset zone in which it is now between 01:00 and
/// 21:00, so a session at 23:00 there today has not started (and will not for two hours) and is on the Live page's today. Without
/// it, a test run after 23:00 would find tonight's class started. Disposing gives the location its zone back.
/// </summary>
public sealed class TonightAt : IAsyncDisposable
{
    // Four zones six hours apart: at any instant at least one of them is between 01:00 and 21:00. No summer time in any.
    private static readonly string[] Zones = ["Etc/GMT+6", "Etc/GMT", "Etc/GMT-6", "Etc/GMT-12"];

    private readonly LocationService _locations;
    private readonly int _locationId;
    private readonly LocationOption _before;

    private TonightAt(LocationService locations, int locationId, LocationOption before, DateTime today)
    {
        _locations = locations;
        _locationId = locationId;
        _before = before;
        Today = today;
    }

    /// <summary>The location's today, as a session's Date.</summary>
    public DateTime Today { get; }

    public static async Task<TonightAt> SetAsync(IServiceProvider services, int locationId)
    {
        var clock = services.GetRequiredService<TimeProvider>();
        var zone = Zones.Select(TimeZoneInfo.FindSystemTimeZoneById).First(z => LocationTime.Now(clock, z).Hour is >= 1 and < 21);
        var locations = services.GetRequiredService<LocationService>();
        var before = (await locations.ListAsync(TestUsers.Manager)).Value!.Single(l => l.Id == locationId);
        var saved = await locations.SaveAsync(TestUsers.Manager, locationId, new LocationInput { TimeZoneId = zone.Id, WaitlistCutoffHours = before.WaitlistCutoffHours });
        if (!saved.Succeeded) throw new InvalidOperationException(saved.Message);
        return new TonightAt(locations, locationId, before, LocationTime.Today(clock, zone).ToDateTime(TimeOnly.MinValue));
    }

    public async ValueTask DisposeAsync() =>
        await _locations.SaveAsync(TestUsers.Manager, _locationId, new LocationInput { TimeZoneId = _before.TimeZoneId, WaitlistCutoffHours = _before.WaitlistCutoffHours });
}
