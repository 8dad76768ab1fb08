# Drawn by dtr bench time-to-quality; edit and rerun `gnuplot time-to-quality.gp` to restyle.
set terminal pngcairo size 900,540 enhanced font ",11"
set output 'time-to-quality.png'
set datafile separator ','
set key outside right top noenhanced
set grid
set logscale y
set xrange [0:*]
set xlabel 'minutes of training (2 cores; evaluations not counted)'
set ylabel 'FID (lower is better)'
plot 'time-to-quality.csv' index 0 every ::1 using 1:2 with linespoints lc 1 lw 2 pt 7 title 'FID-10k', \
     'time-to-quality.csv' index 1 every ::1 using 1:2 with linespoints lc 2 lw 2 pt 7 title 'FID-2k', \
     20.0 with lines dt 2 lc rgb 'grey40' title 'FID 20', \
     10.0 with lines dt 2 lc rgb 'grey40' title 'FID 10'
