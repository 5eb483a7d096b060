namespace Communique.Documents.Model;

public enum BarcodeKind
{
    Qr,
    Code128,
    DataMatrix,
}
