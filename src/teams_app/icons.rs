//! The app icons, drawn in code so the package needs no binary assets: a contact card (a card
//! outline, a person's head and shoulders, two text lines). The color icon is that glyph in white on
//! a rounded square in the accent color; the outline icon is the glyph alone, white on transparent,
//! as Teams requires (every pixel is white or fully transparent; only the alpha varies).

/// Shapes in unit coordinates (0..1 across the icon), so both sizes share one drawing.
fn glyph(x: f32, y: f32) -> bool {
    let card = rounded_rect(x, y, (0.12, 0.22, 0.88, 0.78), 0.09);
    let hole = rounded_rect(x, y, (0.19, 0.29, 0.81, 0.71), 0.04);
    let head = (x - 0.35).powi(2) + (y - 0.43).powi(2) <= 0.085f32.powi(2);
    let shoulders = ((x - 0.35) / 0.14).powi(2) + ((y - 0.67) / 0.11).powi(2) <= 1.0 && y <= 0.71;
    let line = |top: f32| (0.52..=0.74).contains(&x) && (top..=top + 0.065).contains(&y);
    (card && !hole) || head || shoulders || line(0.40) || line(0.53)
}

fn rounded_rect(x: f32, y: f32, (x0, y0, x1, y1): (f32, f32, f32, f32), r: f32) -> bool {
    if x < x0 || x > x1 || y < y0 || y > y1 {
        return false;
    }
    let cx = x.clamp(x0 + r, x1 - r);
    let cy = y.clamp(y0 + r, y1 - r);
    (x - cx).powi(2) + (y - cy).powi(2) <= r * r
}

/// Fraction of pixel (px, py) covered by `shape`, from 4x4 samples (anti-aliased edges).
fn coverage(shape: impl Fn(f32, f32) -> bool, px: u32, py: u32, size: u32) -> f32 {
    const N: u32 = 4;
    let mut hits = 0u32;
    for sy in 0..N {
        for sx in 0..N {
            let x = (px as f32 + (sx as f32 + 0.5) / N as f32) / size as f32;
            let y = (py as f32 + (sy as f32 + 0.5) / N as f32) / size as f32;
            hits += u32::from(shape(x, y));
        }
    }
    hits as f32 / (N * N) as f32
}

fn to_u8(v: f32) -> u8 {
    (v.clamp(0.0, 1.0) * 255.0).round() as u8
}

/// Full-color icon: white glyph on an accent-colored rounded square.
pub fn color(size: u32) -> Result<Vec<u8>, png::EncodingError> {
    const ACCENT: [f32; 3] = [15.0 / 255.0, 108.0 / 255.0, 189.0 / 255.0];
    let mut rgba = Vec::with_capacity((size * size * 4) as usize);
    for py in 0..size {
        for px in 0..size {
            let bg = coverage(|x, y| rounded_rect(x, y, (0.0, 0.0, 1.0, 1.0), 0.2), px, py, size);
            let g = coverage(glyph, px, py, size);
            for c in ACCENT {
                rgba.push(to_u8(c + (1.0 - c) * g));
            }
            rgba.push(to_u8(bg));
        }
    }
    encode(size, &rgba)
}

/// Outline icon: the glyph in white on a transparent background.
pub fn outline(size: u32) -> Result<Vec<u8>, png::EncodingError> {
    let mut rgba = Vec::with_capacity((size * size * 4) as usize);
    for py in 0..size {
        for px in 0..size {
            let a = to_u8(coverage(glyph, px, py, size));
            // Fully transparent pixels are stored as transparent black, the rest as pure white.
            let v = if a == 0 { 0 } else { 255 };
            rgba.extend_from_slice(&[v, v, v, a]);
        }
    }
    encode(size, &rgba)
}

fn encode(size: u32, rgba: &[u8]) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, size, size);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    let mut w = enc.write_header()?;
    w.write_image_data(rgba)?;
    w.finish()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn icons_have_ink_and_background() {
        for (png, size) in [(super::color(192).unwrap(), 192), (super::outline(32).unwrap(), 32)] {
            let dec = png::Decoder::new(std::io::Cursor::new(png));
            let mut r = dec.read_info().unwrap();
            let mut buf = vec![0; r.output_buffer_size().unwrap()];
            let info = r.next_frame(&mut buf).unwrap();
            assert_eq!((info.width, info.height), (size, size));
            let alphas: Vec<u8> = buf.chunks(4).map(|p| p[3]).collect();
            assert!(alphas.contains(&0) && alphas.contains(&255));
        }
    }
}
