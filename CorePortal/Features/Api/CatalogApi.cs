using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Catalog;
using CorePortal.Features.Common;

namespace CorePortal.Features.Api;

/// <summary>
/// Retail Configurations for managers: packages and memberships with their sharing settings. GET by id returns the
/// editable terms with their <c>version</c>; PUT sends them back, and a stale version is a 409.
/// </summary>
public static class CatalogApi
{
    public static void MapCatalogApi(this RouteGroupBuilder api)
    {
        var catalog = api.MapGroup("/catalog").WithTags("Catalog").RequireAuthorization(Policies.Manager);

        catalog.MapGet("/", async (CatalogKind? kind, CatalogService items, CancellationToken ct) =>
            kind is { } one ? await items.ListAsync(one, ct) : [.. await items.ListAsync(CatalogKind.Package, ct), .. await items.ListAsync(CatalogKind.Membership, ct)]);

        catalog.MapGet("/{itemId:int}", async (int itemId, CatalogService items, CancellationToken ct) =>
            await items.GetForEditAsync(itemId, ct) is { } item ? Results.Ok(item) : ApiResults.NotFound("No package or membership has that id."));

        catalog.MapPost("/", async (CatalogItemInput body, ClaimsPrincipal user, CatalogService items, CancellationToken ct) =>
        {
            body.Id = null;
            return await (await items.SaveAsync(user, body, ct)).ToHttpAsync(async id => Results.Created($"/api/catalog/{id}", await items.GetForEditAsync(id, ct)));
        });

        catalog.MapPut("/{itemId:int}", async (int itemId, CatalogItemInput body, ClaimsPrincipal user, CatalogService items, CancellationToken ct) =>
        {
            body.Id = itemId;
            return await (await items.SaveAsync(user, body, ct)).ToHttpAsync(async id => Results.Ok(await items.GetForEditAsync(id, ct)));
        });
    }
}
