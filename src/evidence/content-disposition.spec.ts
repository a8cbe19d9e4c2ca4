import { contentDisposition, safeFileName } from './content-disposition';

describe('file names handed back to clients', () => {
  it('keeps only the last path segment, without control characters or leading dots', () => {
    expect(safeFileName('../../etc/passwd', 'x')).toBe('passwd');
    expect(safeFileName('..\\..\\boot.ini', 'x')).toBe('boot.ini');
    expect(safeFileName('a\u0000b\r\nc.txt', 'x')).toBe('abc.txt');
    expect(safeFileName('..', 'CF-2024-0001-E0001')).toBe('CF-2024-0001-E0001');
    expect(safeFileName(null, 'CF-2024-0001-E0001')).toBe('CF-2024-0001-E0001');
    expect(safeFileName('re\u202Eport.exe', 'x')).toBe('report.exe');
  });

  it('writes RFC 6266 with an ASCII fallback and the UTF-8 name', () => {
    expect(contentDisposition('Überweisung "März".pdf')).toBe(`attachment; filename="_berweisung _M_rz_.pdf"; filename*=UTF-8''%C3%9Cberweisung%20%22M%C3%A4rz%22.pdf`);
    expect(contentDisposition('report.pdf')).toBe(`attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`);
  });
});
