using CorePortal.Data;
using CorePortal.Features.Clients;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Sales;

public sealed record ClientOption(int Id, string Name, string Email, string Barcode);

/// <summary>Finds clients for a sale by name, email, barcode or phone, on the indexed search keys.</summary>
public sealed class SaleClientLookup(IDbContextFactory<CoreDbContext> dbFactory)
{
    public async Task<List<ClientOption>> SearchAsync(string? text, int take = 8, CancellationToken ct = default)
    {
        var key = ClientSearchKeys.Text(text ?? "");
        if (key.Length < 2) return [];
        var barcode = key.ToUpperInvariant();
        var digits = ClientSearchKeys.Digits(key);
        var words = key.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var (first, last) = words.Length >= 2 ? (words[0], words[^1]) : ("\u0001", "\u0001");

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Clients.AsNoTracking()
            .Where(c => c.Barcode == barcode || c.EmailKey.StartsWith(key) || c.FirstNameKey.StartsWith(key) || c.LastNameKey.StartsWith(key)
                || (digits.Length >= 4 && c.PhoneDigits.StartsWith(digits))
                || (c.FirstNameKey.StartsWith(first) && c.LastNameKey.StartsWith(last)))
            .OrderBy(c => c.LastNameKey).ThenBy(c => c.FirstNameKey)
            .Take(take)
            .Select(c => new ClientOption(c.Id, c.FirstName + " " + c.LastName, c.Email, c.Barcode))
            .ToListAsync(ct);
    }
}
