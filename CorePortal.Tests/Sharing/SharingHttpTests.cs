using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using CorePortal.Data;
using CorePortal.Features.Sales;
using CorePortal.Features.Sharing;
using CorePortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Tests.Sharing;

public sealed partial class SharingHttpTests(PortalFactory app) : IClassFixture<PortalFactory>
{
    [Theory]
    [InlineData(DemoUsers.Staff, "/payments/retail/packages")]
    [InlineData(DemoUsers.Trainer, "/payments/retail/packages")]
    [InlineData(DemoUsers.Staff, "/payments/retail/memberships")]
    [InlineData(DemoUsers.Trainer, "/payments/new-sale")]
    public async Task Roles_without_the_right_get_403(string user, string path)
    {
        var client = await app.SignedInClientAsync(user);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(path)).StatusCode);
    }

    [Theory]
    [InlineData(DemoUsers.Manager, "/payments/retail/packages")]
    [InlineData(DemoUsers.Admin, "/payments/retail/memberships")]
    [InlineData(DemoUsers.Staff, "/payments/new-sale")]
    public async Task Roles_with_the_right_reach_the_page(string user, string path)
    {
        var client = await app.SignedInClientAsync(user);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task The_emailed_link_lets_the_client_accept_once_without_signing_in()
    {
        int amara, lucas, familyPack;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<CoreDbContext>>().CreateDbContextAsync();
            amara = await db.Clients.Where(c => c.Barcode == "CP100010").Select(c => c.Id).SingleAsync();
            lucas = await db.Clients.Where(c => c.Barcode == "CP100011").Select(c => c.Id).SingleAsync();
            familyPack = await db.CatalogItems.Where(i => i.Name == "20-Class Family Pack").Select(i => i.Id).SingleAsync();
            var sale = await scope.ServiceProvider.GetRequiredService<SaleService>().CheckoutAsync(TestUsers.Staff, new SaleRequest(familyPack, amara, [lucas]));
            Assert.True(sale.Succeeded, sale.Message);
        }

        var mail = await app.WaitForMailAsync("lucas.silva@example.com");
        Assert.StartsWith("Amara Diallo has shared 20-Class Family Pack with you for use at Downtown Studio.", mail.TextBody, StringComparison.Ordinal);
        var path = new Uri(Link().Match(mail.TextBody ?? "").Value).AbsolutePath;

        var anonymous = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var page = await anonymous.GetStringAsync(path);
        Assert.Contains("Amara Diallo has shared 20-Class Family Pack with you for use at Downtown Studio.", page, StringComparison.Ordinal);
        var answer = await anonymous.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "invitation",
            ["__RequestVerificationToken"] = PortalFactory.AntiforgeryToken(page),
            ["Choice"] = "accept",
        }));
        Assert.Contains("Lucas Silva can now book with 20-Class Family Pack.", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("This invitation link is not valid any more.", await anonymous.GetStringAsync(path), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Staff_add_a_client_through_the_api_until_the_limit_and_trainers_are_refused()
    {
        var (mayaPack, daniel, sofia, leo) = await DemoIdsAsync();
        var staff = await app.SignedInClientAsync(DemoUsers.Staff);
        var trainer = await app.SignedInClientAsync(DemoUsers.Trainer);

        Assert.Equal(HttpStatusCode.Forbidden, (await trainer.PostAsJsonAsync($"/api/purchases/{mayaPack}/shares", new { ClientId = daniel })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/purchases/{mayaPack}/shares", new { ClientId = daniel })).StatusCode);
        var full = await staff.PostAsJsonAsync($"/api/purchases/{mayaPack}/shares", new { ClientId = sofia });
        Assert.Equal(HttpStatusCode.Conflict, full.StatusCode);
        Assert.Contains("All 3 sharing places are taken.", await full.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var shared = await trainer.GetFromJsonAsync<List<SharedWithMeView>>($"/api/clients/{leo}/shared-packages");
        var pack = Assert.Single(shared!);
        Assert.Equal(("20-Class Family Pack", "Maya Chen", ShareStatus.Accepted), (pack.Name, pack.OwnerName, pack.Status));
    }

    private async Task<(int MayaPack, int Daniel, int Sofia, int Leo)> DemoIdsAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<CoreDbContext>>().CreateDbContextAsync();
        async Task<int> ClientAsync(string barcode) => await db.Clients.Where(c => c.Barcode == barcode).Select(c => c.Id).SingleAsync();
        var maya = await ClientAsync("CP100001");
        var pack = await db.Purchases.Where(p => p.OwnerClientId == maya && p.Name == "20-Class Family Pack").Select(p => p.Id).SingleAsync();
        return (pack, await ClientAsync("CP100004"), await ClientAsync("CP100005"), await ClientAsync("CP100002"));
    }

    [GeneratedRegex(@"http\S+/invitations/[A-Za-z0-9_-]+")]
    private static partial Regex Link();
}
