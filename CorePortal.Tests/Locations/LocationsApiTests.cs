using System.Net;
using System.Net.Http.Json;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Locations;

/// <summary><c>PUT /api/locations/{id}</c> (managers only; a bad zone is a 400 naming the field) and the zones <c>GET /api/locations</c> then lists.</summary>
[Collection(ApiApp.Collection)]
public sealed class LocationsApiTests(ApiApp app)
{
    private sealed record LocationView(int Id, string Name, string TimeZoneId, int WaitlistCutoffHours);
    private sealed record Problem(int Status, Dictionary<string, string[]>? Errors);

    [Fact]
    public async Task A_manager_lists_locations_and_sets_a_zone_which_the_list_then_shows()
    {
        var manager = await app.AsAsync(DemoUsers.Manager);
        var first = (await manager.GetFromJsonAsync<List<LocationView>>("/api/locations", TestContext.Current.CancellationToken))![0];
        try
        {
            var response = await manager.PutAsJsonAsync($"/api/locations/{first.Id}", new { timeZoneId = "Europe/London", waitlistCutoffHours = 4 },
                TestContext.Current.CancellationToken);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(first with { TimeZoneId = "Europe/London", WaitlistCutoffHours = 4 }, await response.Content.ReadFromJsonAsync<LocationView>());
            Assert.Contains(first with { TimeZoneId = "Europe/London", WaitlistCutoffHours = 4 },
                (await manager.GetFromJsonAsync<List<LocationView>>("/api/locations", TestContext.Current.CancellationToken))!);
        }
        finally
        {
            // The other API tests share this app and its demo data: the location goes back as it was.
            await manager.PutAsJsonAsync($"/api/locations/{first.Id}", new { timeZoneId = first.TimeZoneId, waitlistCutoffHours = first.WaitlistCutoffHours },
                TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task An_unknown_zone_is_a_400_naming_the_field_and_changes_nothing()
    {
        var manager = await app.AsAsync(DemoUsers.Manager);
        var before = await app.QueryAsync(db => db.Locations.AsNoTracking().OrderBy(l => l.Id).Select(l => l.TimeZoneId).FirstAsync());
        var id = await app.QueryAsync(db => db.Locations.OrderBy(l => l.Id).Select(l => l.Id).FirstAsync());

        var response = await manager.PutAsJsonAsync($"/api/locations/{id}", new { timeZoneId = "Europe/Atlantis", waitlistCutoffHours = 2 },
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["TimeZoneId"], (await response.Content.ReadFromJsonAsync<Problem>(TestContext.Current.CancellationToken))!.Errors!.Keys);
        Assert.Equal(before, await app.QueryAsync(db => db.Locations.AsNoTracking().OrderBy(l => l.Id).Select(l => l.TimeZoneId).FirstAsync()));
    }

    [Fact]
    public async Task Front_desk_staff_read_the_zones_but_get_403_on_editing_a_location()
    {
        var staff = await app.AsAsync(DemoUsers.Staff);

        var list = await staff.GetFromJsonAsync<List<LocationView>>("/api/locations", TestContext.Current.CancellationToken);
        var put = await staff.PutAsJsonAsync($"/api/locations/{list![0].Id}", new { timeZoneId = "Europe/London", waitlistCutoffHours = 2 },
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
        Assert.Equal(list, await app.QueryAsync(db => db.Locations.OrderBy(l => l.Name).Select(l => new LocationView(l.Id, l.Name, l.TimeZoneId, l.WaitlistCutoffHours)).ToListAsync()));
    }
}
