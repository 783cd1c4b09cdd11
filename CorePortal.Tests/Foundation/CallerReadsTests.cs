using System.Globalization;
using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Catalog;
using CorePortal.Features.Clients;
using CorePortal.Features.Common;
using CorePortal.Features.Members;
using CorePortal.Features.Notifications;
using CorePortal.Features.Sales;
using CorePortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Tests.Foundation;

/// <summary>The reads behind search, edit forms, Retail Configurations, New Sale and a client's feed and app login refuse the wrong caller.</summary>
[Collection(ApiApp.Collection)]
public sealed class CallerReadsTests(ApiApp app)
{
    [Fact]
    public async Task A_member_cannot_search_clients_or_look_up_a_barcode_while_a_trainer_can()
    {
        var maya = await app.ClientIdAsync("CP100001");

        Assert.Equal(Outcome.Forbidden, (await InScopeAsync<ClientSearchService, ServiceResult<ClientPage>>(s => s.SearchAsync(Member(maya), "chen"))).Outcome);
        Assert.Equal(Outcome.Forbidden, (await InScopeAsync<ClientSearchService, ServiceResult<int?>>(s => s.FindByBarcodeAsync(Member(maya), "CP100002"))).Outcome);
        Assert.NotEmpty((await InScopeAsync<ClientSearchService, ServiceResult<ClientPage>>(s => s.SearchAsync(TestUsers.Trainer, "chen"))).Value!.Rows);
        Assert.Equal(maya, (await InScopeAsync<ClientSearchService, ServiceResult<int?>>(s => s.FindByBarcodeAsync(TestUsers.Trainer, "CP100001"))).Value);
    }

    [Fact]
    public async Task A_trainer_cannot_open_a_clients_edit_form_while_staff_can()
    {
        var maya = await app.ClientIdAsync("CP100001");

        Assert.Equal(Outcome.Forbidden, (await InScopeAsync<ClientEditService, ServiceResult<ClientInput>>(s => s.GetForEditAsync(TestUsers.Trainer, maya))).Outcome);
        Assert.Equal("CP100001", (await InScopeAsync<ClientEditService, ServiceResult<ClientInput>>(s => s.GetForEditAsync(TestUsers.Staff, maya))).Value!.Barcode);
    }

    [Fact]
    public async Task Trainers_and_staff_cannot_read_retail_configurations_while_a_manager_can()
    {
        var familyPack = await app.CatalogItemIdAsync(ApiApp.FamilyPack);

        foreach (var user in new[] { TestUsers.Trainer, TestUsers.Staff })
        {
            Assert.Equal(Outcome.Forbidden, (await InScopeAsync<CatalogService, ServiceResult<IReadOnlyList<CatalogItemView>>>(s => s.ListAsync(user, CatalogKind.Package))).Outcome);
            Assert.Equal(Outcome.Forbidden, (await InScopeAsync<CatalogService, ServiceResult<CatalogItemInput>>(s => s.GetForEditAsync(user, familyPack))).Outcome);
        }
        Assert.Contains((await InScopeAsync<CatalogService, ServiceResult<IReadOnlyList<CatalogItemView>>>(s => s.ListAsync(TestUsers.Manager, CatalogKind.Package))).Value!,
            i => i.Name == ApiApp.FamilyPack);
        Assert.Equal(ApiApp.FamilyPack, (await InScopeAsync<CatalogService, ServiceResult<CatalogItemInput>>(s => s.GetForEditAsync(TestUsers.Manager, familyPack))).Value!.Name);
    }

    [Fact]
    public async Task A_missing_catalog_item_or_client_is_not_found_for_whoever_may_edit_it()
    {
        Assert.Equal(Outcome.NotFound, (await InScopeAsync<CatalogService, ServiceResult<CatalogItemInput>>(s => s.GetForEditAsync(TestUsers.Manager, int.MaxValue))).Outcome);
        Assert.Equal(Outcome.NotFound, (await InScopeAsync<ClientEditService, ServiceResult<ClientInput>>(s => s.GetForEditAsync(TestUsers.Staff, int.MaxValue))).Outcome);
    }

    [Fact]
    public async Task A_member_reads_their_own_notification_feed_but_not_another_clients()
    {
        var maya = await app.ClientIdAsync("CP100001");
        var leo = await app.ClientIdAsync("CP100002");

        Assert.Equal(Outcome.Ok, (await InScopeAsync<NotificationService, ServiceResult<IReadOnlyList<NotificationView>>>(s => s.FeedAsync(Member(maya), maya))).Outcome);
        Assert.Equal(Outcome.Forbidden, (await InScopeAsync<NotificationService, ServiceResult<IReadOnlyList<NotificationView>>>(s => s.FeedAsync(Member(maya), leo))).Outcome);
    }

    [Fact]
    public async Task Only_whoever_may_sell_lists_the_items_on_sale()
    {
        var maya = await app.ClientIdAsync("CP100001");

        foreach (var user in new[] { TestUsers.Trainer, Member(maya) })
            Assert.Equal(Outcome.Forbidden, (await InScopeAsync<SaleService, ServiceResult<IReadOnlyList<SaleItemView>>>(s => s.ItemsAsync(user))).Outcome);
        Assert.Contains((await InScopeAsync<SaleService, ServiceResult<IReadOnlyList<SaleItemView>>>(s => s.ItemsAsync(TestUsers.Staff))).Value!,
            i => i.Name == ApiApp.FamilyPack);
    }

    [Fact]
    public async Task A_member_sees_their_own_app_login_but_not_another_clients()
    {
        var maya = await app.ClientIdAsync("CP100001");
        var leo = await app.ClientIdAsync("CP100002");

        Assert.Equal(Outcome.Ok, (await InScopeAsync<MemberAccountService, ServiceResult<AppLoginView>>(s => s.LoginOfAsync(Member(maya), maya))).Outcome);
        Assert.Equal(Outcome.Forbidden, (await InScopeAsync<MemberAccountService, ServiceResult<AppLoginView>>(s => s.LoginOfAsync(Member(maya), leo))).Outcome);
    }

    private static ClaimsPrincipal Member(int clientId) => TestUsers.Member(clientId, "A member");

    private async Task<TResult> InScopeAsync<TService, TResult>(Func<TService, Task<TResult>> call) where TService : notnull
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await call(scope.ServiceProvider.GetRequiredService<TService>());
    }
}
