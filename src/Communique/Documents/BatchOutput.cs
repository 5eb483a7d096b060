namespace Communique.Documents;

// What a batch makes: one PDF per record in a zip, one merged print PDF with its manifest, or both.
public enum BatchOutput
{
    Zip,
    Print,
    Both,
}
