using CorePortal.Data;

namespace CorePortal.Features.Clients;

/// <summary>The normalized copies of a client's fields that search runs on, each with a plain index.</summary>
public static class ClientSearchKeys
{
    public static void Apply(Client client)
    {
        client.FirstNameKey = Text(client.FirstName);
        client.LastNameKey = Text(client.LastName);
        client.EmailKey = Text(client.Email);
        client.PhoneDigits = Digits(client.Phone);
        client.PhoneDigitsReversed = Reverse(client.PhoneDigits);
    }

    public static string Text(string value) => value.Trim().ToLowerInvariant();

    public static string Digits(string value) => new(value.Where(char.IsAsciiDigit).ToArray());

    public static string Reverse(string value)
    {
        var chars = value.ToCharArray();
        Array.Reverse(chars);
        return new string(chars);
    }
}
