using System.Security.Claims;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using CorePortal.Features.Locations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CorePortal.Features.Api;

/// <summary>
/// Editing a location (managers): its IANA time zone ("" = the server's) and waitlist cutoff in hours. The list is
/// <c>GET /api/locations</c> (BookingsApi), which the whole studio team reads with the same fields.
/// </summary>
public static class LocationsApi
{
    public static void MapLocationsApi(this RouteGroupBuilder api)
    {
        var locations = api.MapGroup("/locations").WithTags("Schedule").RequireAuthorization(Policies.Manager);
        locations.MapPut("/{locationId:int}", UpdateAsync);
    }

    private static async Task<Results<Ok<LocationOption>, ServiceProblem>> UpdateAsync(int locationId, LocationInput body, ClaimsPrincipal user,
        LocationService locations, CancellationToken ct) =>
        (await locations.SaveAsync(user, locationId, body, ct)).ToHttp();
}
