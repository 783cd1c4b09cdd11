using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Catalog;
using CorePortal.Features.Common;
using Microsoft.AspNetCore.Http.HttpResults;

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
        catalog.MapGet("/", ListAsync).ProducesProblems(StatusCodes.Status400BadRequest); // an unknown kind
        catalog.MapGet("/{itemId:int}", GetAsync);
        catalog.MapPost("/", CreateAsync);
        catalog.MapPut("/{itemId:int}", UpdateAsync);
    }

    /// <summary>One kind, or packages then memberships.</summary>
    private static async Task<Results<Ok<List<CatalogItemView>>, ServiceProblem>> ListAsync(CatalogKind? kind, ClaimsPrincipal user, CatalogService items,
        CancellationToken ct)
    {
        List<CatalogItemView> all = [];
        foreach (var each in kind is { } one ? [one] : (CatalogKind[])[CatalogKind.Package, CatalogKind.Membership])
        {
            var listed = await items.ListAsync(user, each, ct);
            if (!listed.Succeeded) return listed.Problem();
            all.AddRange(listed.Value!);
        }
        return TypedResults.Ok(all);
    }

    private static async Task<Results<Ok<CatalogItemInput>, ServiceProblem>> GetAsync(int itemId, ClaimsPrincipal user, CatalogService items, CancellationToken ct) =>
        (await items.GetForEditAsync(user, itemId, ct)).ToHttp();

    private static async Task<Results<Created<CatalogItemInput>, ServiceProblem>> CreateAsync(CatalogItemInput body, ClaimsPrincipal user,
        CatalogService items, CancellationToken ct)
    {
        body.Id = null;
        var saved = await items.SaveAsync(user, body, ct);
        if (!saved.Succeeded) return saved.Problem();
        return TypedResults.Created($"/api/catalog/{saved.Value}", (await items.GetForEditAsync(user, saved.Value, ct)).Value!);
    }

    private static async Task<Results<Ok<CatalogItemInput>, ServiceProblem>> UpdateAsync(int itemId, CatalogItemInput body, ClaimsPrincipal user,
        CatalogService items, CancellationToken ct)
    {
        body.Id = itemId;
        var saved = await items.SaveAsync(user, body, ct);
        if (!saved.Succeeded) return saved.Problem();
        return TypedResults.Ok((await items.GetForEditAsync(user, saved.Value, ct)).Value!);
    }
}
