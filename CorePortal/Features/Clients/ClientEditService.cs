using System.Globalization;
using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Bookings;
using CorePortal.Features.Common;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Clients;

/// <summary>A client's details as typed on the form or sent to the API; ClientEditService checks and saves them.</summary>
public sealed class ClientInput
{
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    /// <summary>Empty on a new client: one is made from the client's number, as the seeder does (CP500013).</summary>
    public string? Barcode { get; set; }
    public int? HomeLocationId { get; set; }
}

/// <summary>The saved client's id. Replayed: the request key had added this client already.</summary>
public sealed record SavedClient(int Id, bool Replayed = false);

/// <summary>
/// New and edited clients (Staff and up). Keeps the search keys in step with the fields, and barcodes unique:
/// scanners open a profile by barcode. Emails need not be unique: a family may share one.
/// </summary>
public sealed class ClientEditService(IDbContextFactory<CoreDbContext> dbFactory)
{
    /// <summary>The client's details as the form edits them (NotFound when there is no such client): the front desk and up.</summary>
    public async Task<ServiceResult<ClientInput>> GetForEditAsync(ClaimsPrincipal user, int clientId, CancellationToken ct = default)
    {
        if (!Access.CanEditClients(user)) return ServiceResult.Failure<ClientInput>(ServiceResult.Forbidden("Your role does not allow editing clients."));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var input = await db.Clients.AsNoTracking().Where(c => c.Id == clientId)
            .Select(c => new ClientInput { FirstName = c.FirstName, LastName = c.LastName, Email = c.Email, Phone = c.Phone, Barcode = c.Barcode, HomeLocationId = c.HomeLocationId })
            .FirstOrDefaultAsync(ct);
        return input is null ? ServiceResult.Failure<ClientInput>(ServiceResult.NotFound("No client has that id.")) : ServiceResult.Success(input);
    }

    /// <summary>Adds a client. A request key seen before returns the client it added instead of adding another.</summary>
    public Task<ServiceResult<SavedClient>> CreateAsync(ClaimsPrincipal user, ClientInput input, string? requestKey = null, CancellationToken ct = default) =>
        SaveAsync(user, null, input, requestKey, ct);

    /// <summary>Changes a client's details. An empty barcode keeps the one the client has.</summary>
    public Task<ServiceResult<SavedClient>> UpdateAsync(ClaimsPrincipal user, int clientId, ClientInput input, CancellationToken ct = default) =>
        SaveAsync(user, clientId, input, null, ct);

    private async Task<ServiceResult<SavedClient>> SaveAsync(ClaimsPrincipal user, int? clientId, ClientInput input, string? requestKey, CancellationToken ct)
    {
        if (!Access.CanEditClients(user)) return Fail(ServiceResult.Forbidden("Your role does not allow editing clients."));
        requestKey = string.IsNullOrWhiteSpace(requestKey) ? null : requestKey.Trim();
        if (requestKey is { Length: > 100 }) return Fail(ServiceResult.Invalid("requestKey", "The request key is longer than 100 characters."));
        var barcode = Trimmed(input.Barcode).ToUpperInvariant();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var firstName = CleanText.Name(input.FirstName, out var firstNameError);
        var lastName = CleanText.Name(input.LastName, out var lastNameError);
        var errors = Validate(input, barcode);
        if (firstNameError is not null) errors[nameof(input.FirstName)] = [firstNameError];
        if (lastNameError is not null) errors[nameof(input.LastName)] = [lastNameError];
        if (input.HomeLocationId is { } locationId && !await db.Locations.AnyAsync(l => l.Id == locationId, ct))
            errors[nameof(input.HomeLocationId)] = ["Choose a home location."];
        if (errors.Count > 0) return Fail(ServiceResult.Invalid(errors));

        // The barcode and request-key checks and the save see the same table: on SQLite writers are one at a time; on
        // PostgreSQL a retry waits on its key's lock until the first request committed, then replays it.
        await using var tx = await db.BeginWriteAsync(ct);
        if (requestKey is not null)
        {
            await tx.LockAsync(LockNames.RequestKey("client", requestKey), ct);
            if (await AddedWithAsync(db, requestKey, ct) is { } added) return Replay(added);
        }
        var client = clientId is { } id ? await db.Clients.SingleOrDefaultAsync(c => c.Id == id, ct) : null;
        if (clientId is not null && client is null) return Fail(ServiceResult.NotFound("No client has that id."));
        if (barcode.Length > 0 && await db.Clients.AnyAsync(c => c.Barcode == barcode && c.Id != (clientId ?? 0), ct))
            return Fail(BarcodeTaken(barcode));

        if (client is null)
        {
            client = new Client { FirstName = "", LastName = "", Email = "", Phone = "", Barcode = barcode.Length > 0 ? barcode : $"NEW-{Guid.NewGuid():N}", RequestKey = requestKey };
            db.Clients.Add(client);
        }
        // Upper case as the lookups expect; an older lower-case barcode sent back unchanged stays as it is.
        else if (barcode.Length > 0 && !string.Equals(client.Barcode, barcode, StringComparison.OrdinalIgnoreCase)) client.Barcode = barcode;
        client.FirstName = firstName!;
        client.LastName = lastName!;
        client.Email = Trimmed(input.Email);
        client.Phone = Trimmed(input.Phone);
        client.HomeLocationId = input.HomeLocationId!.Value;
        ClientSearchKeys.Apply(client);
        try
        {
            await db.SaveChangesAsync(ct);
            if (client.Barcode.StartsWith("NEW-", StringComparison.Ordinal))
            {
                client.Barcode = await GeneratedBarcodeAsync(db, client.Id, ct);
                await db.SaveChangesAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUnique(ex, nameof(Client.Barcode)))
        {
            return Fail(BarcodeTaken(client.Barcode)); // backstop: two new clients typed the same barcode at once (PostgreSQL)
        }
        catch (DbUpdateException ex) when (requestKey is not null && DbErrors.IsUnique(ex, nameof(Client.RequestKey)))
        {
            // Backstop: a writer that took no lock added a client with this key first; answer as its replay.
            await using var again = await dbFactory.CreateDbContextAsync(ct);
            if (await AddedWithAsync(again, requestKey, ct) is { } added) return Replay(added);
            throw;
        }
        return ServiceResult.Success(new SavedClient(client.Id), $"{client.FullName} saved.");
    }

    private static Task<int?> AddedWithAsync(CoreDbContext db, string requestKey, CancellationToken ct) =>
        db.Clients.AsNoTracking().Where(c => c.RequestKey == requestKey).Select(c => (int?)c.Id).FirstOrDefaultAsync(ct);

    private static ServiceResult<SavedClient> Replay(int clientId) =>
        ServiceResult.Success(new SavedClient(clientId, Replayed: true), "This client was already added.");

    // The seeder's pattern; a typed-in barcode may already hold it, so step past any that is taken.
    private static async Task<string> GeneratedBarcodeAsync(CoreDbContext db, int clientId, CancellationToken ct)
    {
        var code = string.Create(CultureInfo.InvariantCulture, $"CP{clientId + 500000}");
        for (var n = 2; await db.Clients.AnyAsync(c => c.Barcode == code, ct); n++)
            code = string.Create(CultureInfo.InvariantCulture, $"CP{clientId + 500000}-{n}");
        return code;
    }

    private static Dictionary<string, string[]> Validate(ClientInput input, string barcode)
    {
        var errors = new Dictionary<string, string[]>();
        void Add(string field, string message) => errors[field] = [message];
        if (Trimmed(input.FirstName) is not { Length: >= 1 and <= 80 }) Add(nameof(input.FirstName), "Enter the first name (up to 80 characters).");
        if (Trimmed(input.LastName) is not { Length: >= 1 and <= 80 }) Add(nameof(input.LastName), "Enter the last name (up to 80 characters).");
        var email = Trimmed(input.Email);
        if (email.Length == 0) Add(nameof(input.Email), "Enter an email address: invitations and notices go there.");
        else if (email.Length > 200 || !IsEmail(email)) Add(nameof(input.Email), "Enter an email address such as name@example.com.");
        var phone = Trimmed(input.Phone);
        if (phone.Length > 40 || !phone.All(ch => char.IsAsciiDigit(ch) || " +-().".Contains(ch, StringComparison.Ordinal))
            || ClientSearchKeys.Digits(phone).Length is > 0 and < 7 or > 15)
            Add(nameof(input.Phone), "Enter a phone number of 7 to 15 digits, or leave it empty.");
        if (barcode.Length > 40 || !barcode.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '-') || barcode.StartsWith("NEW-", StringComparison.Ordinal))
            Add(nameof(input.Barcode), "A barcode is up to 40 letters, digits and dashes; leave it empty to get one.");
        if (input.HomeLocationId is null) Add(nameof(input.HomeLocationId), "Choose a home location.");
        return errors;
    }

    private static bool IsEmail(string email) =>
        System.Net.Mail.MailAddress.TryCreate(email, out var address) && address.Address == email && address.Host.Contains('.', StringComparison.Ordinal)
        && !email.Any(char.IsWhiteSpace);

    private static string Trimmed(string? value) => value?.Trim() ?? "";

    private static ServiceResult BarcodeTaken(string barcode) => new(Outcome.Conflict, $"Another client already has the barcode {barcode}.",
        new Dictionary<string, string[]> { [nameof(ClientInput.Barcode)] = [$"Another client already has the barcode {barcode}."] });

    private static ServiceResult<SavedClient> Fail(ServiceResult failure) => ServiceResult.Failure<SavedClient>(failure);
}
