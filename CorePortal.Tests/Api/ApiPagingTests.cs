using System.Net;
using System.Net.Http.Json;
using CorePortal.Features.Bookings;
using CorePortal.Features.Members;
using CorePortal.Tests.Infrastructure;

namespace CorePortal.Tests.Api;

/// <summary>The API's paging convention: page=1 is the first page (and the default); out of range is a 400 naming the field.</summary>
[Collection(ApiApp.Collection)]
public sealed class ApiPagingTests(ApiApp app)
{
    private sealed record Problem(int Status, Dictionary<string, string[]> Errors);

    [Fact]
    public async Task Page_1_is_the_first_page_and_page_2_the_next_one()
    {
        var (member, pack, booked) = await MemberWithThreeBookingsAsync("Paige");
        var staff = await app.AsAsync(DemoUsers.Staff);

        var all = (await member.GetFromJsonAsync<MemberBookingPage>("/api/me/bookings"))!;
        var first = (await member.GetFromJsonAsync<MemberBookingPage>("/api/me/bookings?page=1&pageSize=2"))!;
        var second = (await member.GetFromJsonAsync<MemberBookingPage>("/api/me/bookings?page=2&pageSize=2"))!;
        var visits = (await member.GetFromJsonAsync<VisitPage>($"/api/me/packages/{pack}/visits?page=2&pageSize=2"))!;
        var staffVisits = (await staff.GetFromJsonAsync<VisitPage>($"/api/purchases/{pack}/visits?page=1&pageSize=2"))!;

        Assert.Equal(booked, all.Items.Select(b => b.SessionId)); // soonest first
        Assert.Equal(booked[..2], first.Items.Select(b => b.SessionId));
        Assert.Equal(booked[2..], second.Items.Select(b => b.SessionId));
        Assert.Equal((3, 3, 3), (all.TotalCount, first.TotalCount, second.TotalCount));
        Assert.Equal(3, visits.TotalCount);
        Assert.Single(visits.Items);
        Assert.Equal(2, staffVisits.Items.Count);
    }

    [Fact]
    public async Task Client_search_starts_at_page_1()
    {
        var staff = await app.AsAsync(DemoUsers.Staff);

        var first = await staff.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/clients?query=chen&page=1");
        var unasked = await staff.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/clients?query=chen");

        Assert.Contains(first.GetProperty("rows").EnumerateArray(), r => r.GetProperty("barcode").GetString() == "CP100001");
        Assert.Equal(first.GetProperty("rows").ToString(), unasked.GetProperty("rows").ToString());
    }

    [Theory]
    [InlineData("/api/clients?query=chen&page=0", "page")]
    [InlineData("/api/clients?query=chen&page=-1", "page")]
    [InlineData("/api/purchases/{pack}/visits?page=0", "page")]
    [InlineData("/api/purchases/{pack}/visits?pageSize=0", "pageSize")]
    [InlineData("/api/purchases/{pack}/visits?pageSize=101", "pageSize")]
    [InlineData("/api/me/packages/{pack}/visits?page=0", "page")]
    [InlineData("/api/me/packages/{pack}/visits?pageSize=101", "pageSize")]
    [InlineData("/api/me/bookings?page=0", "page")]
    [InlineData("/api/me/bookings?pageSize=0", "pageSize")]
    [InlineData("/api/me/bookings?pageSize=101", "pageSize")]
    public async Task A_page_or_page_size_out_of_range_is_a_400_naming_the_field(string path, string field)
    {
        var (member, pack, _) = await MemberWithThreeBookingsAsync("Rhea");
        var client = path.StartsWith("/api/me", StringComparison.Ordinal) ? member : await app.AsAsync(DemoUsers.Staff);

        var response = await client.GetAsync(path.Replace("{pack}", $"{pack}", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal([field], (await response.Content.ReadFromJsonAsync<Problem>())!.Errors.Keys);
    }

    [Fact]
    public async Task The_largest_page_size_is_answered()
    {
        var (member, pack, _) = await MemberWithThreeBookingsAsync("Max");

        var bookings = await member.GetAsync($"/api/me/bookings?pageSize={MemberQueries.MaxPageSize}");
        var visits = await member.GetAsync($"/api/me/packages/{pack}/visits?pageSize={VisitHistoryService.MaxPageSize}");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (bookings.StatusCode, visits.StatusCode));
    }

    /// <summary>A new member with a pack of their own, booked into three new sessions on three days: their ids, soonest first.</summary>
    private async Task<(HttpClient Member, int Pack, int[] Sessions)> MemberWithThreeBookingsAsync(string first)
    {
        var member = await app.NewMemberAsync(first, "Pager");
        var pack = await app.SellAsync(ApiApp.FamilyPack, member.ClientId);
        var sessions = new[] { await app.NewSessionAsync(1, "Paging"), await app.NewSessionAsync(2, "Paging"), await app.NewSessionAsync(3, "Paging") };
        foreach (var session in sessions)
            Assert.Equal(HttpStatusCode.Created, (await member.Api.PostAsJsonAsync("/api/me/bookings", new { sessionId = session, purchaseId = pack })).StatusCode);
        return (member.Api, pack, sessions);
    }
}
