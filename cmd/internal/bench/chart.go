package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
)

// bar is one horizontal bar of a chart panel.
type bar struct {
	label string
	value float64
	text  string
	color color.RGBA
}

var (
	white  = color.RGBA{255, 255, 255, 255}
	ink    = color.RGBA{30, 30, 30, 255}
	grey   = color.RGBA{150, 150, 150, 255}
	red    = color.RGBA{200, 40, 40, 255}
	blue   = color.RGBA{52, 101, 164, 255}
	green  = color.RGBA{78, 154, 6, 255}
	orange = color.RGBA{206, 92, 0, 255}
)

const (
	chartWidth = 960
	labelWidth = 300
	barHeight  = 26
	barGap     = 10
	scale      = 2
)

// chart draws throughput (records/s) and memory (MiB) as two panels of
// horizontal bars, with the targets as red lines, and encodes it as PNG.
func (r *results) chart() ([]byte, error) {
	var tput, mem []bar
	rawRate, _, _, rawPeak := r.rawSummary()
	if rawRate > 0 {
		tput = append(tput, bar{"raw consumer", rawRate, fmt.Sprintf("%.0fk/s", rawRate/1000), grey})
	}
	for _, p := range r.Cases {
		tput = append(tput, bar{p.Case, p.RecordsPerSec, fmt.Sprintf("%.0fk/s  %.2f of raw", p.RecordsPerSec/1000, p.RatioToRaw), blue})
	}
	mem = append(mem, bar{"worker idle", r.Start.IdleRSSMiB, fmt.Sprintf("%.1f MiB", r.Start.IdleRSSMiB), green})
	for _, p := range r.Cases {
		mem = append(mem, bar{p.Case, p.PeakRSSMiB, fmt.Sprintf("%.1f MiB", p.PeakRSSMiB), orange})
	}
	if rawPeak > 0 {
		mem = append(mem, bar{"raw consumer", rawPeak, fmt.Sprintf("%.1f MiB", rawPeak), grey})
	}

	panelH := func(n int) int { return 40 + n*(barHeight+barGap) + 10 }
	h := 20 + panelH(len(tput)) + 20 + panelH(len(mem)) + 30
	img := image.NewRGBA(image.Rect(0, 0, chartWidth, h))
	draw.Draw(img, img.Bounds(), &image.Uniform{white}, image.Point{}, draw.Src)

	y := 20
	maxT := 0.0
	for _, b := range tput {
		maxT = max(maxT, b.value)
	}
	events := fmt.Sprintf("%dk", r.Records/1000)
	if r.Records%1_000_000 == 0 {
		events = fmt.Sprintf("%dM", r.Records/1_000_000)
	}
	y = panel(img, y, fmt.Sprintf("throughput, records per second (%s events of %d bytes)", events, r.EventBytes), tput, maxT*1.05, nil)
	y += 20
	maxM := float64(targetPeakRSSMiB)
	for _, b := range mem {
		maxM = max(maxM, b.value)
	}
	y = panel(img, y, fmt.Sprintf("memory, MiB (peak RSS; red: %d MiB target)", targetPeakRSSMiB), mem, maxM*1.1,
		[]float64{targetPeakRSSMiB})
	drawText(img, 10, y+5, fmt.Sprintf("%s, %d cores, commit %s", r.Machine.CPU, r.Machine.Cores, r.Commit), 1, grey)

	var out bytes.Buffer
	if err := png.Encode(&out, img); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// panel draws a title and bars scaled to full, and red vertical lines at
// marks; it returns the y below it.
func panel(img *image.RGBA, y int, title string, bars []bar, full float64, marks []float64) int {
	drawText(img, 10, y, title, scale, ink)
	y += 30
	x0 := labelWidth
	width := chartWidth - x0 - 20
	top := y
	bottom := y + len(bars)*(barHeight+barGap)
	// Target lines first, so the bars' figures stay readable over them.
	for _, m := range marks {
		if full > 0 {
			fill(img, x0+int(m/full*float64(width)), top-4, 2, bottom-top, red)
		}
	}
	for _, b := range bars {
		drawText(img, 10, y+(barHeight-7*scale)/2, b.label, scale, ink)
		w := 0
		if full > 0 {
			w = int(b.value / full * float64(width))
		}
		fill(img, x0, y, w, barHeight, b.color)
		tx := x0 + w + 6
		if tx+textWidth(b.text, scale) > chartWidth {
			tx = x0 + w - textWidth(b.text, scale) - 6
			drawText(img, tx, y+(barHeight-7*scale)/2, b.text, scale, white)
		} else {
			drawText(img, tx, y+(barHeight-7*scale)/2, b.text, scale, ink)
		}
		y += barHeight + barGap
	}
	fill(img, x0-1, top-4, 1, y-top, ink) // the axis
	return y + 10
}

func fill(img *image.RGBA, x, y, w, h int, c color.RGBA) {
	draw.Draw(img, image.Rect(x, y, x+w, y+h), &image.Uniform{c}, image.Point{}, draw.Src)
}
