using System.Net;
using System.Net.Http.Json;
using CorePortal.Features.Members;
using CorePortal.Features.Sharing;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Sharing;

/// <summary>Share limits over HTTP: the desk for any owner, a member for their own purchase only; bad caps answer 400 by field.</summary>
[Collection(ApiApp.Collection)]
public sealed class ShareLimitsApiTests(ApiApp app)
{
    [Fact]
    public async Task The_owner_and_the_desk_set_limits_another_member_gets_403_and_bad_caps_get_400()
    {
        var owner = await app.NewMemberAsync("Olga", "Limits");
        var buddy = await app.NewMemberAsync("Leo", "Limits");
        var stranger = await app.NewMemberAsync("Sam", "Stranger");
        var pack = await app.SellAsync(ApiApp.FamilyPack, owner.ClientId, buddy.ClientId);
        var shareId = await app.QueryAsync(db => db.PurchaseShares.Where(s => s.PurchaseId == pack).Select(s => s.Id).SingleAsync());
        Assert.Equal(HttpStatusCode.OK, (await buddy.Api.PostAsync($"/api/me/invitations/{shareId}/accept", null)).StatusCode);
        var desk = await app.AsAsync(DemoUsers.Staff);

        var mine = await owner.Api.PutAsJsonAsync($"/api/me/shares/{shareId}/limits", new { capPerPeriod = 4, paused = false, notifyOwner = true });
        var theirs = await stranger.Api.PutAsJsonAsync($"/api/me/shares/{shareId}/limits", new { capPerPeriod = 1, paused = true });
        var own = await buddy.Api.PutAsJsonAsync($"/api/me/shares/{shareId}/limits", new { paused = false });
        var none = await owner.Api.PutAsJsonAsync($"/api/me/shares/{shareId + 10_000}/limits", new { paused = false });
        var bad = await desk.PutAsJsonAsync($"/api/shares/{shareId}/limits", new { capPerPeriod = 4, capTotal = 0, paused = true });
        var trainer = await (await app.AsAsync(DemoUsers.Trainer)).PutAsJsonAsync($"/api/shares/{shareId}/limits", new { paused = true });

        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, theirs.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, own.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("\"capTotal\"", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, trainer.StatusCode);
        var share = await app.QueryAsync(db => db.PurchaseShares.SingleAsync(s => s.Id == shareId));
        Assert.Equal((4, (int?)null, false, true), (share.CapPerPeriod, share.CapTotal, share.Paused, share.NotifyOwnerOnBooking));

        var paused = await desk.PutAsJsonAsync($"/api/shares/{shareId}/limits", new { capPerPeriod = 4, capTotal = 10, paused = true });
        Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        var sharing = await owner.Api.GetFromJsonAsync<MemberSharingView>($"/api/me/packages/{pack}/sharing");
        var use = Assert.Single(sharing!.AuthorizedUsers).Use!;
        Assert.Equal((4, (int?)10, true, 0), (use.CapPerPeriod!.Value, use.CapTotal, use.Paused, use.UsedTotal));
        Assert.Equal("0 of 4 this period · 0 of 10 in all", use.UseText);
    }
}
