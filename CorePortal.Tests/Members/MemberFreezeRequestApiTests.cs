using System.Net;
using System.Net.Http.Json;
using CorePortal.Data;
using CorePortal.Features.Catalog;
using CorePortal.Features.Memberships;
using CorePortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Tests.Members;

/// <summary>Freeze requests through the members' app: the owner asks and lists theirs; others' and shared purchases are refused.</summary>
[Collection(ApiApp.Collection)]
public sealed class MemberFreezeRequestApiTests(ApiApp app)
{
    [Fact]
    public async Task The_owner_asks_for_a_freeze_and_lists_it_while_a_client_it_is_shared_with_gets_403_and_bad_dates_400()
    {
        await FreezableItemAsync();
        var owner = await app.NewMemberAsync("Fiona", "Freeze");
        var buddy = await app.NewMemberAsync("Bruno", "Buddy");
        var purchaseId = await app.SellAsync("Freezable Pack", owner.ClientId, buddy.ClientId);
        var today = DateOnly.FromDateTime(TimeProvider.System.GetLocalNow().DateTime);
        var body = new { startsOn = today.AddDays(2), endsOn = today.AddDays(12), note = "Holiday" };

        var asked = await owner.Api.PostAsJsonAsync($"/api/me/packages/{purchaseId}/freeze-requests", body);
        Assert.Equal(HttpStatusCode.Created, asked.StatusCode);
        var mine = Assert.Single((await owner.Api.GetFromJsonAsync<List<FreezeRequestView>>("/api/me/freeze-requests"))!);
        Assert.Equal((purchaseId, FreezeRequestStatus.Pending, "Holiday"), (mine.PurchaseId, mine.Status, mine.Note));

        Assert.Equal(HttpStatusCode.Forbidden, (await buddy.Api.PostAsJsonAsync($"/api/me/packages/{purchaseId}/freeze-requests", body)).StatusCode);
        Assert.Empty((await buddy.Api.GetFromJsonAsync<List<FreezeRequestView>>("/api/me/freeze-requests"))!);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.Api.PostAsJsonAsync("/api/me/packages/999999/freeze-requests", body)).StatusCode);

        var past = await owner.Api.PostAsJsonAsync($"/api/me/packages/{purchaseId}/freeze-requests", new { startsOn = today.AddDays(-1), endsOn = today.AddDays(5) });
        Assert.Equal(HttpStatusCode.BadRequest, past.StatusCode);
        Assert.True((await past.Content.ReadFromJsonAsync<ValidationProblemDetails>())!.Errors.ContainsKey("startsOn"));
        Assert.Equal(HttpStatusCode.Conflict, (await owner.Api.PostAsJsonAsync($"/api/me/packages/{purchaseId}/freeze-requests", body)).StatusCode);
    }

    // A shareable pack with freezing allowed: the catalog form has no freeze fields on this branch, so they are set on the item.
    private async Task FreezableItemAsync()
    {
        var existing = await app.QueryAsync(db => db.CatalogItems.Where(i => i.Name == "Freezable Pack").Select(i => (int?)i.Id).SingleOrDefaultAsync());
        if (existing is not null) return;
        await using var scope = app.Services.CreateAsyncScope();
        var locationId = await app.QueryAsync(db => db.Locations.OrderBy(l => l.Id).Select(l => l.Id).FirstAsync());
        var saved = await scope.ServiceProvider.GetRequiredService<CatalogService>().SaveAsync(TestUsers.Manager, new CatalogItemInput
        {
            Kind = CatalogKind.Package, Name = "Freezable Pack", ValidityDays = 90, Price = 100m, LocationId = locationId, CreditsPerPeriod = 10,
            AllowSharing = true, SharingLimit = "2",
        });
        var itemId = saved.Value;
        await app.QueryAsync(async db =>
        {
            await using var tx = await db.BeginWriteAsync();
            await db.CatalogItems.Where(i => i.Id == itemId).ExecuteUpdateAsync(s => s.SetProperty(i => i.AllowFreeze, true).SetProperty(i => i.Version, Guid.NewGuid()));
            await tx.CommitAsync();
            return 0;
        });
    }
}
