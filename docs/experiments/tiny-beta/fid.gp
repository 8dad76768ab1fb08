# Drawn by dtr experiment; edit and rerun `gnuplot fid.gp` to restyle.
set terminal pngcairo size 900,540 enhanced font ",11"
set output 'fid.png'
set datafile separator ','
set key outside right top noenhanced
set grid
set xlabel 'training step'
set ylabel 'FID-1k (lower is better)'
plot 'fid.csv' index 0 every ::1 using 1:3:4 with filledcurves lc 1 fs transparent solid 0.2 notitle, \
     'fid.csv' index 0 every ::1 using 1:2 with linespoints lc 1 lw 2 title 'beta=0.5', \
     'fid.csv' index 1 every ::1 using 1:3:4 with filledcurves lc 2 fs transparent solid 0.2 notitle, \
     'fid.csv' index 1 every ::1 using 1:2 with linespoints lc 2 lw 2 title 'beta=1.0'
