using Bunit;
using CorePortal.Components.Pages.Locations;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Locations;
using CorePortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Tests.Locations;

/// <summary>The Locations page: each location's zone (the server's by default) and cutoff, and an edit dialog that says sessions do not move.</summary>
public sealed class LocationsPageTests : PortalComponentTest, IAsyncLifetime
{
    private readonly StudioBuilder _world = new();
    private IRenderedComponent<IComponent> _providers = null!;

    public async ValueTask InitializeAsync()
    {
        await _world.WithLocationAsync("Downtown Studio");
        await _world.WithLocationAsync("Manhattan");
        await _world.WithTimeZoneAsync("America/New_York");
        Services.AddSingleton<TimeProvider>(_world.Clock);
        Services.AddSingleton(_world.Db);
        Services.AddScoped<LocationService>();
        Services.AddScoped<CurrentUser>();
        AddAuthorization().SetAuthorized("Mia Manager").SetRoles(Roles.Manager);
        _providers = RenderProviders();
    }

    [Fact]
    public void Each_location_shows_its_zone_and_the_default_names_the_server_s_zone()
    {
        var page = Render<LocationsPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=location-row]").Count));
        var zones = page.FindAll("[data-testid=location-zone]").Select(z => z.TextContent).ToList();
        Assert.Equal(["Server's zone (UTC)", "America/New_York"], zones);
    }

    [Fact]
    public void Editing_a_location_says_that_sessions_keep_their_clock_time()
    {
        var page = Render<LocationsPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=edit-location]"));

        page.FindAll("[data-testid=edit-location]")[1].Click();

        _providers.WaitForAssertion(() => Assert.Contains("does not move sessions", _providers.Find("[data-testid=zone-note]").TextContent, StringComparison.Ordinal));
        Assert.Equal("America/New_York", _providers.Find("#location-zone").GetAttribute("value"));
    }

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _world.Dispose();
    }
}
