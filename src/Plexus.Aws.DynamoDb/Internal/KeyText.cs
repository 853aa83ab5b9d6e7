using System.Text;

namespace Plexus.Aws.DynamoDb.Internal;

/// <summary>Joins key parts with '|' so that no two different lists of parts give the same text.</summary>
internal static class KeyText
{
    public static string Join(params string[] parts)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < parts.Length; i++)
        {
            if (i > 0)
            {
                builder.Append('|');
            }

            foreach (var c in parts[i])
            {
                if (c is '|' or '\\')
                {
                    builder.Append('\\');
                }

                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
